/* SPDX-License-Identifier: MIT */
/* Azure: ovf-env.xml and goal state parsing, and the check-in against a small wireserver
 * started here on 127.0.0.1. The wireserver refuses requests without "x-ms-version", records
 * the health report it is sent, and the test reads that report back with expat on its own
 * (not with the code under test). The first path component names the scenario. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <expat.h>

#include "azure.h"
#include "fetch.h"
#include "hull/fileio.h"
#include "hull/macro.h"
#include "hull/tests.h"
#include "testhttp.h"

#define CONFIG "{\"ignition\":{\"version\":\"3.4.0\"}}"
#define CONFIG_B64 "eyJpZ25pdGlvbiI6eyJ2ZXJzaW9uIjoiMy40LjAifX0="
#define KEY_ED "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEMNnx1D2ZWpXe+mMmmbEdajEEG9lxgx8DNZ6UTVjH/a you@laptop"

/* ovf-env.xml as Azure writes it: the OVF namespace as the default, Azure's as wa:, the
 * configuration set redeclaring Azure's as its default. */
#define OVF_HEAD                                                                                          \
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"                                                   \
        "<Environment xmlns=\"http://schemas.dmtf.org/ovf/environment/1\" "                             \
        "xmlns:oe=\"http://schemas.dmtf.org/ovf/environment/1\" "                                       \
        "xmlns:wa=\"http://schemas.microsoft.com/windowsazure\" "                                       \
        "xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">\n"                                      \
        "<wa:ProvisioningSection><wa:Version>1.0</wa:Version>\n"                                         \
        "<LinuxProvisioningConfigurationSet xmlns=\"http://schemas.microsoft.com/windowsazure\" "       \
        "xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">\n"                                      \
        "<ConfigurationSetType>LinuxProvisioningConfiguration</ConfigurationSetType>\n"
#define OVF_TAIL                                                                                          \
        "</LinuxProvisioningConfigurationSet></wa:ProvisioningSection>\n"                                \
        "<wa:PlatformSettingsSection><PlatformSettings xmlns=\"http://schemas.microsoft.com/windowsazure\">" \
        "<ProvisionGuestAgent>false</ProvisionGuestAgent></PlatformSettings></wa:PlatformSettingsSection>\n" \
        "</Environment>\n"

#define OVF_FULL                                                                          \
        OVF_HEAD "<HostName>node-1</HostName>\n<UserName>azureuser</UserName>\n"        \
                 "<UserPassword>secret</UserPassword>\n"                                \
                 "<DisableSshPasswordAuthentication>true</DisableSshPasswordAuthentication>\n" \
                 "<SSH><PublicKeys>\n"                                                  \
                 "<PublicKey><Fingerprint>EB0C0AB4B2D5FC35F2F0658D19F44C8283E2DD62</Fingerprint>" \
                 "<Path>/home/azureuser/.ssh/authorized_keys</Path>"                    \
                 "<Value>" KEY_ED "\n</Value></PublicKey>\n"                            \
                 "<PublicKey><Fingerprint>0123</Fingerprint><Path>/x</Path></PublicKey>\n" \
                 "</PublicKeys></SSH>\n"                                                \
                 "<CustomData>\n  eyJpZ25pdGlvbiI6eyJ2ZXJzaW9uIjoi\n  My40LjAifX0=\n</CustomData>\n" OVF_TAIL

/* The same with other prefixes (the ns0:/ns1: form some Azure tools write) and no defaults. */
#define OVF_PREFIXED                                                                              \
        "<ns0:Environment xmlns:ns0=\"http://schemas.dmtf.org/ovf/environment/1\" "              \
        "xmlns:ns1=\"http://schemas.microsoft.com/windowsazure\">"                               \
        "<ns1:ProvisioningSection><ns1:Version>1.0</ns1:Version>"                                \
        "<ns1:LinuxProvisioningConfigurationSet>"                                                \
        "<ns1:ConfigurationSetType>LinuxProvisioningConfiguration</ns1:ConfigurationSetType>"   \
        "<ns1:HostName>h</ns1:HostName><ns1:UserName>core</ns1:UserName>"                        \
        "<ns1:CustomData>" CONFIG_B64 "</ns1:CustomData>"                                        \
        "</ns1:LinuxProvisioningConfigurationSet></ns1:ProvisioningSection></ns0:Environment>"

#define GOAL_STATE                                                                                         \
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"                                                    \
        "<GoalState xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "                            \
        "xsi:noNamespaceSchemaLocation=\"goalstate10.xsd\">\n"                                           \
        "  <Version>2012-11-30</Version>\n  <Incarnation>3</Incarnation>\n"                               \
        "  <Machine><ExpectedState>Started</ExpectedState><StopRolesDeadlineHint>300000</StopRolesDeadlineHint>" \
        "<LBProbePorts><Port>16001</Port></LBProbePorts><ExpectHealthReport>FALSE</ExpectHealthReport></Machine>\n" \
        "  <Container>\n    <ContainerId>c6d5526c-5ac2-4200-b6e2-56f2b70c5ab2</ContainerId>\n"              \
        "    <RoleInstanceList><RoleInstance>\n"                                                          \
        "      <InstanceId>2f7d1fa6f3d84a4e9d9bb2b9f0e10b43._hull-1</InstanceId>\n"                        \
        "      <State>Started</State><Configuration><HostingEnvironmentConfig>http://168.63.129.16:80/x" \
        "</HostingEnvironmentConfig></Configuration>\n"                                                   \
        "    </RoleInstance></RoleInstanceList>\n  </Container>\n</GoalState>\n"

/* ---- ovf-env.xml ---- */

static void check_ovf_bad(const char *xml, size_t size, int want, const char *want_in_error) {
        _cleanup_free_ char *error = NULL;
        OvfEnv e;
        int r = ovf_env_parse(xml, size, &e, &error);

        CHECK_EQ_INT(r, want);
        CHECK(e.custom_data == NULL && e.hostname == NULL && e.ssh_keys == NULL && !e.has_custom_data);
        if (!error || !strstr(error, want_in_error) || strchr(error, '\n')) {
                fprintf(stderr, "ovf-env error \"%s\" lacks \"%s\" (or is not one line)\n", error ?: "(null)",
                        want_in_error);
                CHECK(false);
        }
}

static void test_ovf_env(void) {
        _cleanup_free_ char *error = NULL;
        _cleanup_ovf_env_ OvfEnv e = {};

        CHECK_EQ_INT(ovf_env_parse(OVF_FULL, strlen(OVF_FULL), &e, &error), 0);
        CHECK(error == NULL);
        CHECK(e.has_custom_data);
        CHECK_EQ_INT(e.custom_data_size, strlen(CONFIG));
        CHECK_STREQ((char *) e.custom_data, CONFIG);
        CHECK_STREQ(e.hostname, "node-1");
        CHECK_STREQ(e.user_name, "azureuser");
        CHECK_EQ_INT(e.n_ssh_keys, 1);
        CHECK_STREQ(e.ssh_keys[0], KEY_ED);
        CHECK(e.ssh_keys[1] == NULL);
        CHECK_EQ_INT(e.n_keys_without_value, 1);
        CHECK(e.has_password);
        ovf_env_clear(&e);

        CHECK_EQ_INT(ovf_env_parse(OVF_PREFIXED, strlen(OVF_PREFIXED), &e, &error), 0);
        CHECK_STREQ((char *) e.custom_data, CONFIG);
        CHECK_STREQ(e.hostname, "h");
        CHECK_STREQ(e.user_name, "core");
        CHECK_EQ_INT(e.n_ssh_keys, 0);
        CHECK(!e.has_password);
        ovf_env_clear(&e);

        /* No custom data, no keys, no names: nothing, and no error. */
        CHECK_EQ_INT(ovf_env_parse(OVF_HEAD OVF_TAIL, strlen(OVF_HEAD OVF_TAIL), &e, &error), 0);
        CHECK(!e.has_custom_data && e.custom_data_size == 0 && !e.hostname && !e.user_name && e.n_ssh_keys == 0);
        ovf_env_clear(&e);
        /* Empty custom data: given, but none. */
        CHECK_EQ_INT(ovf_env_parse(OVF_HEAD "<CustomData/>" OVF_TAIL, strlen(OVF_HEAD "<CustomData/>" OVF_TAIL), &e,
                                   &error),
                     0);
        CHECK(e.has_custom_data && e.custom_data_size == 0);
        ovf_env_clear(&e);
        /* A CustomData element elsewhere (not in the configuration set) is not the custom data. */
        {
                const char *x = OVF_HEAD OVF_TAIL;
                _cleanup_free_ char *moved = NULL;
                CHECK(asprintf(&moved, "%.*s<CustomData>%s</CustomData>%s", (int) (strstr(x, "<wa:PlatformSettingsSection>") - x),
                               x, CONFIG_B64, strstr(x, "<wa:PlatformSettingsSection>")) > 0);
                CHECK_EQ_INT(ovf_env_parse(moved, strlen(moved), &e, &error), 0);
                CHECK(!e.has_custom_data);
                ovf_env_clear(&e);
        }
        /* Unprefixed names in no namespace are not Azure's. */
        {
                static const char x[] = "<Environment><ProvisioningSection><LinuxProvisioningConfigurationSet>"
                                        "<CustomData>" CONFIG_B64 "</CustomData></LinuxProvisioningConfigurationSet>"
                                        "</ProvisioningSection></Environment>";
                check_ovf_bad(x, strlen(x), -EBADMSG, "the root element <Environment> is not in the namespace http://schemas.dmtf.org/ovf/environment/1");
        }

        /* Malformed. */
        {
                static const char full[] = OVF_FULL;
                check_ovf_bad(full, strlen(full) - 15, -EBADMSG, "no element found");
                check_ovf_bad(full, strlen(full) - 40, -EBADMSG, "unclosed token");
        }
        check_ovf_bad("", 0, -EBADMSG, "no element found");
        check_ovf_bad(OVF_HEAD "<CustomData>eyJ!</CustomData>" OVF_TAIL,
                      strlen(OVF_HEAD "<CustomData>eyJ!</CustomData>" OVF_TAIL), -EBADMSG, "not valid base64");
        check_ovf_bad(OVF_HEAD "<CustomData>eyJ</CustomData>" OVF_TAIL,
                      strlen(OVF_HEAD "<CustomData>eyJ</CustomData>" OVF_TAIL), -EBADMSG, "not valid base64");
        check_ovf_bad(OVF_HEAD "<CustomData>e30=</CustomData><CustomData>e30=</CustomData>" OVF_TAIL,
                      strlen(OVF_HEAD "<CustomData>e30=</CustomData><CustomData>e30=</CustomData>" OVF_TAIL), -EBADMSG,
                      "more than one <CustomData>");
        check_ovf_bad(OVF_HEAD "<CustomData>e30=<b/></CustomData>" OVF_TAIL,
                      strlen(OVF_HEAD "<CustomData>e30=<b/></CustomData>" OVF_TAIL), -EBADMSG,
                      "unexpected element <b> inside <CustomData>");
        check_ovf_bad(OVF_HEAD "<HostName>-bad</HostName>" OVF_TAIL, strlen(OVF_HEAD "<HostName>-bad</HostName>" OVF_TAIL),
                      -EBADMSG, "<HostName> is not a valid host name");
        check_ovf_bad(OVF_HEAD "<UserName>Root Admin</UserName>" OVF_TAIL,
                      strlen(OVF_HEAD "<UserName>Root Admin</UserName>" OVF_TAIL), -EBADMSG, "<UserName> is not a valid user name");
        check_ovf_bad(OVF_HEAD "<SSH><PublicKeys><PublicKey><Value>ssh-ed25519 AAAA</Value></PublicKey></PublicKeys></SSH>" OVF_TAIL,
                      strlen(OVF_HEAD "<SSH><PublicKeys><PublicKey><Value>ssh-ed25519 AAAA</Value></PublicKey></PublicKeys></SSH>" OVF_TAIL),
                      -EBADMSG, "SSH public key 1 is not an OpenSSH public key");
        {
                static const char x[] = "<?xml version=\"1.0\"?><GoalState><Incarnation>1</Incarnation></GoalState>";
                check_ovf_bad(x, strlen(x), -EBADMSG, "the root element is <GoalState>, not <Environment>");
        }
        /* DTDs and entities: refused at the DOCTYPE, external or internal, before any expansion. */
        {
                static const char laughs[] =
                        "<?xml version=\"1.0\"?>\n<!DOCTYPE Environment [<!ENTITY a \"aaaaaaaaaa\">"
                        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n"
                        "<Environment xmlns=\"http://schemas.dmtf.org/ovf/environment/1\">&b;</Environment>";
                static const char external[] =
                        "<?xml version=\"1.0\"?>\n<!DOCTYPE Environment SYSTEM \"file:///etc/shadow\">\n"
                        "<Environment xmlns=\"http://schemas.dmtf.org/ovf/environment/1\"/>";
                static const char undefined[] =
                        "<Environment xmlns=\"http://schemas.dmtf.org/ovf/environment/1\">&xxe;</Environment>";
                check_ovf_bad(laughs, strlen(laughs), -EBADMSG, "line 2: a DOCTYPE declaration");
                check_ovf_bad(external, strlen(external), -EBADMSG, "a DOCTYPE declaration");
                check_ovf_bad(undefined, strlen(undefined), -EBADMSG, "undefined entity");
        }
        /* Oversize. */
        {
                _cleanup_free_ char *big = malloc(OVF_ENV_SIZE_MAX + 2);
                CHECK(big != NULL);
                memset(big, ' ', OVF_ENV_SIZE_MAX + 1);
                memcpy(big, OVF_HEAD, strlen(OVF_HEAD));
                check_ovf_bad(big, OVF_ENV_SIZE_MAX + 1, -EFBIG, "more than the limit");
        }
        /* Too deep. */
        {
                _cleanup_free_ char *deep = NULL;
                size_t n = 0;
                deep = malloc(64 * 4 + 200);
                CHECK(deep != NULL);
                n += (size_t) sprintf(deep, "<Environment xmlns=\"http://schemas.dmtf.org/ovf/environment/1\">");
                for (int i = 0; i < 64; i++)
                        n += (size_t) sprintf(deep + n, "<a>");
                check_ovf_bad(deep, n, -EBADMSG, "nested deeper");
        }
}

/* ---- the goal state ---- */

static void check_gs_bad(const char *xml, const char *want_in_error) {
        _cleanup_free_ char *error = NULL;
        GoalState g;
        int r = goal_state_parse(xml, strlen(xml), &g, &error);

        CHECK_EQ_INT(r, -EBADMSG);
        CHECK(g.incarnation == NULL && g.container_id == NULL && g.instance_id == NULL);
        if (!error || !strstr(error, want_in_error)) {
                fprintf(stderr, "goal state error \"%s\" lacks \"%s\"\n", error ?: "(null)", want_in_error);
                CHECK(false);
        }
}

static void test_goal_state(void) {
        _cleanup_free_ char *error = NULL;
        _cleanup_goal_state_ GoalState g = {};

        CHECK_EQ_INT(goal_state_parse(GOAL_STATE, strlen(GOAL_STATE), &g, &error), 0);
        CHECK_STREQ(g.incarnation, "3");
        CHECK_STREQ(g.container_id, "c6d5526c-5ac2-4200-b6e2-56f2b70c5ab2");
        CHECK_STREQ(g.instance_id, "2f7d1fa6f3d84a4e9d9bb2b9f0e10b43._hull-1");
        goal_state_clear(&g);

        check_gs_bad("<GoalState><Container><ContainerId>c</ContainerId><RoleInstanceList><RoleInstance>"
                     "<InstanceId>i</InstanceId></RoleInstance></RoleInstanceList></Container></GoalState>",
                     "no <Incarnation>");
        check_gs_bad("<GoalState><Incarnation>1</Incarnation><Container><RoleInstanceList><RoleInstance>"
                     "<InstanceId>i</InstanceId></RoleInstance></RoleInstanceList></Container></GoalState>",
                     "no <ContainerId>");
        check_gs_bad("<GoalState><Incarnation>1</Incarnation><Container><ContainerId>c</ContainerId>"
                     "</Container></GoalState>",
                     "no <InstanceId>");
        check_gs_bad("<GoalState><Incarnation>1a</Incarnation></GoalState>", "<Incarnation> is not a valid id");
        check_gs_bad("<GoalState><Incarnation>1</Incarnation><Container><ContainerId>c&lt;x</ContainerId>"
                     "</Container></GoalState>",
                     "<ContainerId> is not a valid id");
        check_gs_bad("<GoalState><Incarnation>1</Incarnation><Incarnation>2</Incarnation></GoalState>",
                     "more than one <Incarnation>");
        check_gs_bad("<GoalState><Incarnation>1</Incarnation>", "no element found");
        check_gs_bad("<Health/>", "the root element is <Health>");
        check_gs_bad("<!DOCTYPE GoalState><GoalState/>", "DOCTYPE");
        check_gs_bad("not xml", "syntax error");
}

/* ---- the wireserver ---- */

typedef struct Shared {
        unsigned goalstate_gets, health_posts;
        char posted[8192];
        char content_type[128], agent[128];
        bool post_had_version;
} Shared;

static Shared *shared;

static void answer(int fd, int status, const char *body) {
        char head[256];
        int n = snprintf(head, sizeof head, "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", status,
                         strlen(body));
        (void) loop_write(fd, head, (size_t) n);
        (void) loop_write(fd, body, strlen(body));
}

static void serve(int fd) {
        char buf[16384] = "", method[16], scenario[64], path[256], v[256];
        const char *end, *headers;
        size_t n = 0, want;

        while (n < sizeof buf - 1 && !(end = strstr(buf, "\r\n\r\n"))) {
                ssize_t k = read(fd, buf + n, sizeof buf - 1 - n);
                if (k <= 0)
                        return;
                n += (size_t) k;
                buf[n] = 0;
        }
        end = strstr(buf, "\r\n\r\n");
        if (!end || sscanf(buf, "%15s /%63[^/ ]%255s", method, scenario, path) != 3)
                return answer(fd, 400, "");
        headers = strstr(buf, "\r\n");
        want = (size_t) (end + 4 - buf) + (test_http_header(headers, "Content-Length", v, sizeof v) ? (size_t) atoi(v) : 0);
        while (n < want && n < sizeof buf - 1) {
                ssize_t k = read(fd, buf + n, sizeof buf - 1 - n);
                if (k <= 0)
                        return;
                n += (size_t) k;
                buf[n] = 0;
        }
        /* The wireserver refuses requests without a protocol version. */
        if (!test_http_header(headers, "x-ms-version", v, sizeof v) || strcmp(v, "2012-11-30") != 0)
                return answer(fd, 400, "");
        if (strcmp(path, "/machine/?comp=goalstate") == 0 && strcmp(method, "GET") == 0) {
                unsigned i = __atomic_fetch_add(&shared->goalstate_gets, 1, __ATOMIC_SEQ_CST);
                if (strcmp(scenario, "busy") == 0 && i < 1)
                        return answer(fd, 503, "");
                if (strcmp(scenario, "badgs") == 0)
                        return answer(fd, 200, "<GoalState><Incarnation>1</Incarnation>");
                if (strcmp(scenario, "down") == 0)
                        return answer(fd, 500, "");
                return answer(fd, 200, GOAL_STATE);
        }
        if (strcmp(path, "/machine?comp=health") == 0 && strcmp(method, "POST") == 0) {
                unsigned i = __atomic_fetch_add(&shared->health_posts, 1, __ATOMIC_SEQ_CST);
                snprintf(shared->posted, sizeof shared->posted, "%s", end + 4);
                shared->post_had_version = true;
                if (!test_http_header(headers, "Content-Type", shared->content_type, sizeof shared->content_type))
                        shared->content_type[0] = 0;
                if (!test_http_header(headers, "x-ms-agent-name", shared->agent, sizeof shared->agent))
                        shared->agent[0] = 0;
                if (strcmp(scenario, "busy") == 0 && i < 1)
                        return answer(fd, 503, "");
                if (strcmp(scenario, "refused") == 0)
                        return answer(fd, 400, "");
                if ((strcmp(scenario, "gone") == 0 && i < 1) || strcmp(scenario, "gone-always") == 0)
                        return answer(fd, 410, "");
                return answer(fd, 200, "");
        }
        answer(fd, 404, "");
}

/* The health report as the server received it, read with a plain expat parser (no namespaces):
 * the text of each element by its path from the root. */
typedef struct Seen {
        char path[512];
        char incarnation[64], container[128], instance[128], state[32];
        char *cur;
        size_t cur_max;
        unsigned elements;
} Seen;

static void XMLCALL seen_start(void *userdata, const XML_Char *name, const XML_Char **attrs) {
        Seen *s = userdata;
        size_t l = strlen(s->path);
        snprintf(s->path + l, sizeof s->path - l, "/%s", name);
        s->elements++;
        s->cur = NULL;
        if (strcmp(s->path, "/Health/GoalStateIncarnation") == 0)
                s->cur = s->incarnation, s->cur_max = sizeof s->incarnation;
        else if (strcmp(s->path, "/Health/Container/ContainerId") == 0)
                s->cur = s->container, s->cur_max = sizeof s->container;
        else if (strcmp(s->path, "/Health/Container/RoleInstanceList/Role/InstanceId") == 0)
                s->cur = s->instance, s->cur_max = sizeof s->instance;
        else if (strcmp(s->path, "/Health/Container/RoleInstanceList/Role/Health/State") == 0)
                s->cur = s->state, s->cur_max = sizeof s->state;
}

static void XMLCALL seen_end(void *userdata, const XML_Char *name) {
        Seen *s = userdata;
        *strrchr(s->path, '/') = 0;
        s->cur = NULL;
}

static void XMLCALL seen_text(void *userdata, const XML_Char *t, int len) {
        Seen *s = userdata;
        size_t l;
        if (!s->cur)
                return;
        l = strlen(s->cur);
        snprintf(s->cur + l, s->cur_max - l, "%.*s", len, t);
}

static void check_posted_report(void) {
        XML_Parser p = XML_ParserCreate(NULL);
        Seen s = {};

        CHECK(p != NULL);
        XML_SetUserData(p, &s);
        XML_SetElementHandler(p, seen_start, seen_end);
        XML_SetCharacterDataHandler(p, seen_text);
        CHECK_EQ_INT(XML_Parse(p, shared->posted, (int) strlen(shared->posted), XML_TRUE), XML_STATUS_OK);
        XML_ParserFree(p);
        CHECK_STREQ(s.incarnation, "3");
        CHECK_STREQ(s.container, "c6d5526c-5ac2-4200-b6e2-56f2b70c5ab2");
        CHECK_STREQ(s.instance, "2f7d1fa6f3d84a4e9d9bb2b9f0e10b43._hull-1");
        CHECK_STREQ(s.state, "Ready");
        CHECK_EQ_INT(s.elements, 9);
        CHECK_STREQ(shared->content_type, "text/xml;charset=utf-8");
        CHECK_STREQ(shared->agent, "hull-firstboot");
}

static unsigned n_logged, n_retries;

static void record(const FetchAttempt *a, void *userdata) {
        n_logged++;
        if (a->retry_ms > 0)
                n_retries++;
        CHECK(a->n >= 1 && a->n <= a->attempts);
        CHECK(a->method && a->url && a->detail);
}

static const FetchPolicy policy = {
        .attempts = 3,
        .backoff_ms = 10,
        .backoff_max_ms = 20,
        .connect_timeout_ms = 1000,
        .timeout_ms = 2000,
};

static void check_ready(unsigned port, const char *scenario, int want, unsigned want_gets, unsigned want_posts,
                        unsigned want_logged, unsigned want_retries, const char *want_in_why) {
        _cleanup_free_ char *url = NULL, *why = NULL;
        int r;

        memset(shared, 0, sizeof *shared);
        n_logged = n_retries = 0;
        CHECK(asprintf(&url, "http://127.0.0.1:%u/%s", port, scenario) > 0);
        r = azure_report_ready(url, &policy, record, NULL, &why);
        if (r != want || shared->goalstate_gets != want_gets || shared->health_posts != want_posts ||
            n_logged != want_logged || n_retries != want_retries)
                fprintf(stderr, "scenario %s: r=%d gets=%u posts=%u logged=%u retries=%u why=%s\n", scenario, r,
                        shared->goalstate_gets, shared->health_posts, n_logged, n_retries, why ?: "(null)");
        CHECK_EQ_INT(r, want);
        CHECK_EQ_INT(shared->goalstate_gets, want_gets);
        CHECK_EQ_INT(shared->health_posts, want_posts);
        CHECK_EQ_INT(n_logged, want_logged);
        CHECK_EQ_INT(n_retries, want_retries);
        if (want == 0)
                CHECK(why == NULL);
        else if (!why || !strstr(why, want_in_why)) {
                fprintf(stderr, "scenario %s: why \"%s\" lacks \"%s\"\n", scenario, why ?: "(null)", want_in_why);
                CHECK(false);
        }
        if (want_posts > 0)
                check_posted_report();
}

static void test_report_ready(void) {
        unsigned port;
        pid_t server;

        shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        CHECK(shared != MAP_FAILED);
        server = test_http_server_start(serve, &port);

        check_ready(port, "ok", 0, 1, 1, 2, 0, NULL);
        /* A 503 to each request, then success: one retry each. */
        check_ready(port, "busy", 0, 2, 2, 4, 2, NULL);
        check_ready(port, "badgs", -EBADMSG, 1, 0, 1, 0, "the goal state is malformed: line 1");
        check_ready(port, "down", -EAGAIN, 3, 0, 3, 2, "after 3 attempts");
        check_ready(port, "refused", -EPROTO, 1, 1, 2, 0, "HTTP 400");
        /* 410 Gone to the report: the goal state again, then the report again; no retry of
         * the same request (it would never succeed). Gone every time: three rounds, then -ESTALE. */
        check_ready(port, "gone", 0, 2, 2, 4, 0, NULL);
        check_ready(port, "gone-always", -ESTALE, 3, 3, 6, 0, "HTTP 410");

        /* The body on its own. */
        {
                GoalState g = { .incarnation = (char *) "12", .container_id = (char *) "c", .instance_id = (char *) "i.0" };
                _cleanup_free_ char *body = NULL;
                CHECK_EQ_INT(azure_health_report(&g, &body), 0);
                CHECK(strstr(body, "<GoalStateIncarnation>12</GoalStateIncarnation>"));
                CHECK(strstr(body, "<ContainerId>c</ContainerId>"));
                CHECK(strstr(body, "<InstanceId>i.0</InstanceId>"));
                CHECK(strstr(body, "<State>Ready</State>"));
        }
        (void) kill(server, SIGKILL);
}

int main(void) {
        test_ovf_env();
        test_goal_state();
        test_report_ready();
        return TEST_RETURN();
}
