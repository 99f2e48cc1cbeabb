/* SPDX-License-Identifier: MIT */
/* Microsoft Azure: ovf-env.xml from the provisioning media and the wireserver check-in. Both
 * documents are parsed with expat, namespaces resolved (XML_ParserCreateNS), no DTD: a DOCTYPE
 * stops the parser before anything in it is read, so no entity is ever defined or expanded. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "azure.h"
#include "config.h"
#include "dataurl.h"
#include "fetch.h"
#include "hostname.h"
#include "hull/macro.h"

/* Expanded names are "<namespace URI>|<local name>" (just the local name without a namespace). */
#define NS_SEP '|'
#define OVF_NS "http://schemas.dmtf.org/ovf/environment/1|"
#define WA_NS "http://schemas.microsoft.com/windowsazure|"
#define XML_DEPTH_MAX 32U
#define AZURE_ID_MAX 128U

/* ---- a small walker: the text of elements at fixed paths below a fixed root ---- */

typedef struct XmlWalk {
        XML_Parser parser;
        const char *root;                   /* the expanded name the root must have */
        const char *const *const *fields;   /* paths below the root, each NULL-terminated */
        size_t n_fields;
        int (*on_field)(void *data, size_t field, char *text, size_t len, char **ret_why);
        void *data;
        char *stack[XML_DEPTH_MAX];         /* the open elements' expanded names */
        unsigned depth;
        long field;                         /* the field being read, -1 */
        unsigned field_depth;
        char *text;
        size_t text_len;
        char *why;                          /* the first error */
        int error;
} XmlWalk;

static void walk_fail(XmlWalk *w, int error, const char *format, ...) _printf_(3, 4);
static void walk_fail(XmlWalk *w, int error, const char *format, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        if (w->error < 0)
                return;
        w->error = error;
        va_start(ap, format);
        if (vasprintf(&msg, format, ap) < 0)
                msg = NULL;
        va_end(ap);
        if (!msg || asprintf(&w->why, "line %lu: %s", (unsigned long) XML_GetCurrentLineNumber(w->parser), msg) < 0) {
                w->why = NULL;
                w->error = -ENOMEM;
        }
        (void) XML_StopParser(w->parser, XML_FALSE);
}

/* The local name of an expanded name, for messages. */
static const char *local_name(const char *name) {
        const char *s = strrchr(name, NS_SEP);
        return s ? s + 1 : name;
}

static long match_field(const XmlWalk *w) {
        for (size_t i = 0; i < w->n_fields; i++) {
                const char *const *path = w->fields[i];
                unsigned d = 1;

                for (; path[d - 1] && d < w->depth; d++)
                        if (strcmp(path[d - 1], w->stack[d]) != 0)
                                break;
                if (!path[d - 1] && d == w->depth)
                        return (long) i;
        }
        return -1;
}

static void XMLCALL on_start(void *userdata, const XML_Char *name, const XML_Char **attrs) {
        XmlWalk *w = userdata;

        if (w->error < 0)
                return;
        if (w->depth == 0 && strcmp(name, w->root) != 0) {
                const char *sep = strchr(w->root, NS_SEP);
                if (strcmp(local_name(name), local_name(w->root)) == 0 && sep)
                        return walk_fail(w, -EBADMSG, "the root element <%s> is not in the namespace %.*s",
                                         local_name(name), (int) (sep - w->root), w->root);
                return walk_fail(w, -EBADMSG, "the root element is <%s>, not <%s>", local_name(name),
                                 local_name(w->root));
        }
        if (w->field >= 0)
                return walk_fail(w, -EBADMSG, "unexpected element <%s> inside <%s>", local_name(name),
                                 local_name(w->stack[w->field_depth - 1]));
        if (w->depth >= XML_DEPTH_MAX)
                return walk_fail(w, -EBADMSG, "elements nested deeper than %u", XML_DEPTH_MAX);
        w->stack[w->depth] = strdup(name);
        if (!w->stack[w->depth])
                return walk_fail(w, -ENOMEM, "out of memory");
        w->depth++;
        w->field = match_field(w);
        if (w->field >= 0) {
                w->field_depth = w->depth;
                w->text_len = 0;
        }
}

static void XMLCALL on_end(void *userdata, const XML_Char *name) {
        XmlWalk *w = userdata;
        char *why = NULL;
        int r;

        if (w->error < 0 || w->depth == 0)
                return;
        if (w->field >= 0 && w->depth == w->field_depth) {
                char *t = w->text ?: strdup("");
                w->text = NULL;
                if (!t)
                        return walk_fail(w, -ENOMEM, "out of memory");
                r = w->on_field(w->data, (size_t) w->field, t, w->text_len, &why);
                w->field = -1;
                if (r < 0) {
                        walk_fail(w, r, "%s", why ?: "out of memory");
                        free(why);
                        return;
                }
        }
        free(w->stack[--w->depth]);
}

static void XMLCALL on_text(void *userdata, const XML_Char *s, int len) {
        XmlWalk *w = userdata;
        char *t;

        if (w->error < 0 || w->field < 0 || len <= 0)
                return;
        t = realloc(w->text, w->text_len + (size_t) len + 1);
        if (!t)
                return walk_fail(w, -ENOMEM, "out of memory");
        memcpy(t + w->text_len, s, (size_t) len);
        w->text = t;
        w->text_len += (size_t) len;
        t[w->text_len] = 0;
}

static void XMLCALL on_doctype(void *userdata, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal_subset) {
        walk_fail(userdata, -EBADMSG, "a DOCTYPE declaration (DTDs and entities are not accepted)");
}

static void XMLCALL on_entity(void *userdata, const XML_Char *name, int is_parameter, const XML_Char *value,
                              int value_length, const XML_Char *base, const XML_Char *sysid, const XML_Char *pubid,
                              const XML_Char *notation) {
        walk_fail(userdata, -EBADMSG, "an entity declaration (not accepted)");
}

/* Parses xml with w's fields. 0, or a negative errno and *ret_error. */
static int walk(XmlWalk *w, const char *xml, size_t size, size_t max, char **ret_error) {
        int r = 0;

        *ret_error = NULL;
        if (size > max)
                return asprintf(ret_error, "%zu bytes, more than the limit of %zu", size, max) < 0 ? -ENOMEM : -EFBIG;
        if (size > INT32_MAX)
                return -EFBIG;
        w->parser = XML_ParserCreateNS(NULL, NS_SEP);
        if (!w->parser)
                return -ENOMEM;
        w->field = -1;
        XML_SetUserData(w->parser, w);
        XML_SetElementHandler(w->parser, on_start, on_end);
        XML_SetCharacterDataHandler(w->parser, on_text);
        XML_SetStartDoctypeDeclHandler(w->parser, on_doctype);
        XML_SetEntityDeclHandler(w->parser, on_entity);
        (void) XML_SetParamEntityParsing(w->parser, XML_PARAM_ENTITY_PARSING_NEVER);
        if (XML_Parse(w->parser, xml, (int) size, XML_TRUE) == XML_STATUS_ERROR && w->error == 0) {
                if (asprintf(ret_error, "line %lu, column %lu: %s",
                             (unsigned long) XML_GetCurrentLineNumber(w->parser),
                             (unsigned long) XML_GetCurrentColumnNumber(w->parser) + 1,
                             XML_ErrorString(XML_GetErrorCode(w->parser))) < 0)
                        r = -ENOMEM;
                else
                        r = -EBADMSG;
        } else if (w->error < 0) {
                r = w->error;
                *ret_error = TAKE_PTR(w->why);
        }
        XML_ParserFree(w->parser);
        w->parser = NULL;
        while (w->depth > 0)
                free(w->stack[--w->depth]);
        free(w->text);
        w->text = NULL;
        free(w->why);
        w->why = NULL;
        return r;
}

/* ---- values ---- */

/* Trims XML white space (space, tab, CR, LF) at both ends, in place. */
static char *strip(char *s, size_t *len) {
        size_t a = 0, b = *len;

        while (a < b && strchr(" \t\r\n", s[a]))
                a++;
        while (b > a && strchr(" \t\r\n", s[b - 1]))
                b--;
        memmove(s, s + a, b - a);
        s[b - a] = 0;
        *len = b - a;
        return s;
}

/* A host name: a DNS name, as the metadata services' (hostname.c). */
static bool hostname_is_valid(const char *s) {
        return hostname_check(s, strlen(s), NULL) == 0;
}

/* ---- ovf-env.xml ---- */

enum {
        OVF_CUSTOM_DATA,
        OVF_HOSTNAME,
        OVF_USER_NAME,
        OVF_KEY_VALUE,
        OVF_KEY_FINGERPRINT,
        OVF_PASSWORD,
        OVF_SET_TYPE,
};

#define OVF_SET WA_NS "ProvisioningSection", WA_NS "LinuxProvisioningConfigurationSet"
#define OVF_KEY OVF_SET, WA_NS "SSH", WA_NS "PublicKeys", WA_NS "PublicKey"
static const char *const ovf_custom_data[] = { OVF_SET, WA_NS "CustomData", NULL };
static const char *const ovf_hostname[] = { OVF_SET, WA_NS "HostName", NULL };
static const char *const ovf_user_name[] = { OVF_SET, WA_NS "UserName", NULL };
static const char *const ovf_key_value[] = { OVF_KEY, WA_NS "Value", NULL };
static const char *const ovf_key_fingerprint[] = { OVF_KEY, WA_NS "Fingerprint", NULL };
static const char *const ovf_password[] = { OVF_SET, WA_NS "UserPassword", NULL };
static const char *const ovf_set_type[] = { OVF_SET, WA_NS "ConfigurationSetType", NULL };
static const char *const *const ovf_fields[] = {
        [OVF_CUSTOM_DATA] = ovf_custom_data,   [OVF_HOSTNAME] = ovf_hostname,
        [OVF_USER_NAME] = ovf_user_name,       [OVF_KEY_VALUE] = ovf_key_value,
        [OVF_KEY_FINGERPRINT] = ovf_key_fingerprint, [OVF_PASSWORD] = ovf_password,
        [OVF_SET_TYPE] = ovf_set_type,
};

typedef struct OvfParse {
        OvfEnv *env;
        size_t n_fingerprints;
} OvfParse;

void ovf_env_clear(OvfEnv *e) {
        free(e->custom_data);
        free(e->hostname);
        free(e->user_name);
        strv_free_n(e->ssh_keys, e->n_ssh_keys);
        *e = (OvfEnv) {};
}

static int ovf_custom_data_take(OvfEnv *e, char *text, size_t len, char **ret_why) {
        _cleanup_free_ char *t = text;
        size_t n = 0;

        if (e->has_custom_data)
                return asprintf(ret_why, "more than one <CustomData>") < 0 ? -ENOMEM : -EBADMSG;
        e->has_custom_data = true;
        /* base64, which may be wrapped: white space anywhere is dropped. */
        for (size_t i = 0; i < len; i++)
                if (!strchr(" \t\r\n", t[i]))
                        t[n++] = t[i];
        t[n] = 0;
        if (n == 0)
                return 0;
        if (base64_decode(t, n, &e->custom_data, &e->custom_data_size) < 0)
                return asprintf(ret_why, "<CustomData> is not valid base64") < 0 ? -ENOMEM : -EBADMSG;
        return 0;
}

static int ovf_key_take(OvfEnv *e, char *text, size_t len, char **ret_why) {
        char **v;

        strip(text, &len);
        if (ssh_key_check(text, len) < 0) {
                free(text);
                return asprintf(ret_why, "SSH public key %zu is not an OpenSSH public key", e->n_ssh_keys + 1) < 0
                                       ? -ENOMEM
                                       : -EBADMSG;
        }
        if (e->n_ssh_keys >= 64) {
                free(text);
                return asprintf(ret_why, "more than 64 SSH public keys") < 0 ? -ENOMEM : -EBADMSG;
        }
        v = realloc(e->ssh_keys, (e->n_ssh_keys + 2) * sizeof(char *));
        if (!v) {
                free(text);
                return -ENOMEM;
        }
        e->ssh_keys = v;
        v[e->n_ssh_keys++] = text;
        v[e->n_ssh_keys] = NULL;
        return 0;
}

/* A single-valued text field: HostName, UserName. */
static int ovf_name_take(char **dest, const char *what, bool (*valid)(const char *), char *text, size_t len,
                         char **ret_why) {
        if (*dest) {
                free(text);
                return asprintf(ret_why, "more than one <%s>", what) < 0 ? -ENOMEM : -EBADMSG;
        }
        strip(text, &len);
        if (!valid(text) || strlen(text) != len) {
                free(text);
                return asprintf(ret_why, "<%s> is not a valid %s", what,
                                strcmp(what, "HostName") == 0 ? "host name" : "user name (lowercase letters, "
                                                                              "digits, \"_\", \"-\", 32 at most)") < 0
                               ? -ENOMEM
                               : -EBADMSG;
        }
        *dest = text;
        return 0;
}

static int ovf_on_field(void *data, size_t field, char *text, size_t len, char **ret_why) {
        OvfParse *p = data;
        OvfEnv *e = p->env;

        switch (field) {
        case OVF_CUSTOM_DATA:
                return ovf_custom_data_take(e, text, len, ret_why);
        case OVF_HOSTNAME:
                return ovf_name_take(&e->hostname, "HostName", hostname_is_valid, text, len, ret_why);
        case OVF_USER_NAME:
                return ovf_name_take(&e->user_name, "UserName", user_name_is_valid, text, len, ret_why);
        case OVF_KEY_VALUE:
                return ovf_key_take(e, text, len, ret_why);
        case OVF_KEY_FINGERPRINT:
                p->n_fingerprints++;
                break;
        case OVF_PASSWORD:
                e->has_password = len > 0;
                break;
        case OVF_SET_TYPE:
                strip(text, &len);
                if (strcmp(text, "LinuxProvisioningConfiguration") != 0) {
                        free(text);
                        return asprintf(ret_why, "the configuration set is not a LinuxProvisioningConfiguration") < 0
                                       ? -ENOMEM
                                       : -EBADMSG;
                }
                break;
        }
        free(text);
        return 0;
}

int ovf_env_parse(const char *xml, size_t size, OvfEnv *ret, char **ret_error) {
        OvfParse p = { .env = ret };
        XmlWalk w = {
                .root = OVF_NS "Environment",
                .fields = ovf_fields,
                .n_fields = ELEMENTSOF(ovf_fields),
                .on_field = ovf_on_field,
                .data = &p,
        };
        int r;

        *ret = (OvfEnv) {};
        r = walk(&w, xml, size, OVF_ENV_SIZE_MAX, ret_error);
        if (r < 0) {
                ovf_env_clear(ret);
                return r;
        }
        ret->n_keys_without_value = p.n_fingerprints > ret->n_ssh_keys ? p.n_fingerprints - ret->n_ssh_keys : 0;
        return 0;
}

/* ---- the goal state ---- */

enum { GS_INCARNATION, GS_CONTAINER_ID, GS_INSTANCE_ID };
static const char *const gs_incarnation[] = { "Incarnation", NULL };
static const char *const gs_container_id[] = { "Container", "ContainerId", NULL };
static const char *const gs_instance_id[] = { "Container", "RoleInstanceList", "RoleInstance", "InstanceId", NULL };
static const char *const *const gs_fields[] = {
        [GS_INCARNATION] = gs_incarnation,
        [GS_CONTAINER_ID] = gs_container_id,
        [GS_INSTANCE_ID] = gs_instance_id,
};
static const char *const gs_names[] = { "Incarnation", "ContainerId", "InstanceId" };

void goal_state_clear(GoalState *g) {
        free(g->incarnation);
        free(g->container_id);
        free(g->instance_id);
        *g = (GoalState) {};
}

static bool azure_id_is_valid(const char *s, size_t len, bool digits) {
        if (len == 0 || len > AZURE_ID_MAX || strlen(s) != len)
                return false;
        for (size_t i = 0; i < len; i++) {
                char c = s[i];
                if (!(c >= '0' && c <= '9') && (digits || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                                            c == '-' || c == '_' || c == '.')))
                        return false;
        }
        return true;
}

static int gs_on_field(void *data, size_t field, char *text, size_t len, char **ret_why) {
        GoalState *g = data;
        char **dest = field == GS_INCARNATION ? &g->incarnation : field == GS_CONTAINER_ID ? &g->container_id
                                                                                             : &g->instance_id;

        if (*dest) {
                free(text);
                /* A VM is one role instance: the first one's id is ours. */
                if (field == GS_INSTANCE_ID)
                        return 0;
                return asprintf(ret_why, "more than one <%s>", gs_names[field]) < 0 ? -ENOMEM : -EBADMSG;
        }
        strip(text, &len);
        if (!azure_id_is_valid(text, len, field == GS_INCARNATION)) {
                free(text);
                return asprintf(ret_why, "<%s> is not a valid id", gs_names[field]) < 0 ? -ENOMEM : -EBADMSG;
        }
        *dest = text;
        return 0;
}

int goal_state_parse(const char *xml, size_t size, GoalState *ret, char **ret_error) {
        XmlWalk w = {
                .root = "GoalState",
                .fields = gs_fields,
                .n_fields = ELEMENTSOF(gs_fields),
                .on_field = gs_on_field,
                .data = ret,
        };
        const char *missing;
        int r;

        *ret = (GoalState) {};
        r = walk(&w, xml, size, GOAL_STATE_SIZE_MAX, ret_error);
        if (r < 0) {
                goal_state_clear(ret);
                return r;
        }
        missing = !ret->incarnation ? "Incarnation" : !ret->container_id ? "ContainerId" : !ret->instance_id ? "InstanceId" : NULL;
        if (missing) {
                goal_state_clear(ret);
                return asprintf(ret_error, "no <%s>", missing) < 0 ? -ENOMEM : -EBADMSG;
        }
        return 0;
}

/* ---- the check-in ---- */

int azure_health_report(const GoalState *g, char **ret) {
        /* The ids were checked when parsed: nothing in them needs escaping. */
        return asprintf(ret,
                        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                        "<Health xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                        "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">\n"
                        "  <GoalStateIncarnation>%s</GoalStateIncarnation>\n"
                        "  <Container>\n"
                        "    <ContainerId>%s</ContainerId>\n"
                        "    <RoleInstanceList>\n"
                        "      <Role>\n"
                        "        <InstanceId>%s</InstanceId>\n"
                        "        <Health>\n"
                        "          <State>Ready</State>\n"
                        "        </Health>\n"
                        "      </Role>\n"
                        "    </RoleInstanceList>\n"
                        "  </Container>\n"
                        "</Health>\n",
                        g->incarnation, g->container_id, g->instance_id) < 0
                       ? -ENOMEM
                       : 0;
}

#define WIRESERVER_VERSION "x-ms-version: 2012-11-30"
#define WIRESERVER_AGENT "x-ms-agent-name: hull-firstboot"

/* One round: the goal state, then the health report for its incarnation. */
static int report_ready_once(const char *base_url, const FetchPolicy *policy, FetchLog log, void *userdata,
                             char **ret_why) {
        static const char *const get_headers[] = { WIRESERVER_VERSION, WIRESERVER_AGENT, NULL };
        static const char *const post_headers[] = { WIRESERVER_VERSION, WIRESERVER_AGENT,
                                                     "Content-Type: text/xml;charset=utf-8", NULL };
        _cleanup_free_ char *url = NULL, *answer = NULL, *error = NULL, *body = NULL, *ignored = NULL;
        _cleanup_goal_state_ GoalState g = {};
        size_t size = 0;
        int r;

        *ret_why = NULL;
        if (asprintf(&url, "%s/machine/?comp=goalstate", base_url) < 0)
                return -ENOMEM;
        r = http_fetch("GET", url, get_headers, NULL, 0, GOAL_STATE_SIZE_MAX, policy, log, userdata, &answer, &size,
                       ret_why);
        if (r < 0)
                return r;
        r = goal_state_parse(answer, size, &g, &error);
        if (r < 0) {
                if (asprintf(ret_why, "GET %s: the goal state is malformed: %s", url, error ?: "out of memory") < 0)
                        *ret_why = NULL;
                return r;
        }
        r = azure_health_report(&g, &body);
        if (r < 0)
                return r;
        free(url);
        if (asprintf(&url, "%s/machine?comp=health", base_url) < 0) {
                url = NULL;
                return -ENOMEM;
        }
        return http_fetch("POST", url, post_headers, body, strlen(body), 64 * 1024, policy, log, userdata, &ignored,
                          NULL, ret_why);
}

int azure_report_ready(const char *base_url, const FetchPolicy *policy, FetchLog log, void *userdata, char **ret_why) {
        int r = -ESTALE;

        *ret_why = NULL;
        /* A 410 to the report: the goal state moved on while it was being made (a new
         * incarnation); report again against the new one, a bounded number of times. */
        for (unsigned round = 1; round <= AZURE_REPORT_ROUNDS && r == -ESTALE; round++) {
                free(*ret_why);
                r = report_ready_once(base_url, policy, log, userdata, ret_why);
        }
        return r;
}
