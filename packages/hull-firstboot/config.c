/* SPDX-License-Identifier: MIT */
/* Parser and validator for the Ignition 3.x subset in config.h. Everything a config asks
 * for is checked here, before anything is written: a field Hull does not implement is an
 * error naming its JSON path, never ignored. Library code: errors are returned, not logged. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "config.h"
#include "dataurl.h"
#include "hull/json.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "merge.h"
#include "unitfile.h"

#define JSON_DEPTH_MAX 32
#define KEY_SIZE_MAX (16U * 1024U)
#define UNIT_SIZE_MAX (1024U * 1024U)

typedef struct Parser {
        Diag *errors;
        size_t decoded_total;
        bool oom;
} Parser;

/* A problem with the config at a JSON path: collected, the parse goes on. */
#define add_error(p, path, ...) diag_error((p)->errors, (path), __VA_ARGS__)

static char *path_join(Parser *p, const char *base, const char *key) {
        char *s = json_path_key(base, key);
        if (!s)
                p->oom = true;
        return s;
}

static char *path_index(Parser *p, const char *base, size_t i) {
        char *s = json_path_index(base, i);
        if (!s)
                p->oom = true;
        return s;
}

static bool key_is_known(const char *key, const char *const *known) {
        for (; *known; known++)
                if (strcmp(key, *known) == 0)
                        return true;
        return false;
}

static void check_keys(Parser *p, json_object *obj, const char *path, const char *const *known) {
        json_object_object_foreach(obj, key, val) {
                if (key_is_known(key, known))
                        continue;
                if (json_is_empty(val)) /* null, [] and {} ask for nothing: not an error */
                        continue;
                _cleanup_free_ char *sub = path_join(p, path, key);
                add_error(p, sub ?: path, "unsupported field \"%s\" (Hull implements only part of Ignition; see README)", key);
        }
}

/* A string without NUL bytes, at most max bytes. Returns 1 and a copy, 0 if absent, -EINVAL. */
static int get_string(Parser *p, json_object *obj, const char *key, const char *path, size_t max, char **ret) {
        _cleanup_free_ char *sub = path_join(p, path, key);
        json_object *v;
        int r;

        if (!sub)
                return -ENOMEM;
        if (json_member(obj, key, &v) == 0)
                return 0;
        r = json_dup_string(v, sub, max, p->errors, ret);
        if (r == -ENOMEM)
                p->oom = true;
        return r < 0 ? r : 1;
}

static int get_bool(Parser *p, json_object *obj, const char *key, const char *path, bool *ret) {
        _cleanup_free_ char *sub = path_join(p, path, key);
        json_object *v;
        int r;

        if (!sub)
                return -ENOMEM;
        if (json_member(obj, key, &v) == 0)
                return 0;
        r = json_get_bool(v, sub, p->errors, ret);
        return r < 0 ? r : 1;
}

static void get_mode(Parser *p, json_object *obj, const char *path, unsigned def, unsigned *ret) {
        _cleanup_free_ char *sub = path_join(p, path, "mode");
        json_object *v;
        int64_t m;

        *ret = def;
        if (!sub || json_member(obj, "mode", &v) == 0)
                return;
        if (json_expect(v, json_type_int, "an integer (decimal, e.g. 420 for 0644)", sub, p->errors) < 0)
                return;
        errno = 0;
        m = json_object_get_int64(v);
        if (errno != 0 || m < 0 || m > 07777) {
                add_error(p, sub, "must be between 0 and 4095 (07777)");
                return;
        }
        /* The unit's RestrictSUIDSGID= would refuse them while applying: say so now. */
        if (m & 06000) {
                add_error(p, sub, "set-user-ID and set-group-ID bits are refused on Hull");
                return;
        }
        *ret = (unsigned) m;
}

/* An array member: returns its length, 0 if absent, -EINVAL on a type error or too many. */
static int get_array(Parser *p, json_object *obj, const char *key, const char *path, json_object **ret) {
        _cleanup_free_ char *sub = path_join(p, path, key);
        json_object *v;
        size_t n;

        if (!sub)
                return -ENOMEM;
        if (json_member(obj, key, &v) == 0)
                return 0;
        if (json_expect(v, json_type_array, "an array", sub, p->errors) < 0)
                return -EINVAL;
        n = json_object_array_length(v);
        if (n > CONFIG_ENTRIES_MAX) {
                add_error(p, sub, "has more than %u entries", CONFIG_ENTRIES_MAX);
                return -EINVAL;
        }
        *ret = v;
        return (int) n;
}

static int get_object(Parser *p, json_object *obj, const char *key, const char *path, json_object **ret) {
        _cleanup_free_ char *sub = path_join(p, path, key);
        json_object *v;

        if (!sub)
                return -ENOMEM;
        if (json_member(obj, key, &v) == 0)
                return 0;
        if (json_expect(v, json_type_object, "an object", sub, p->errors) < 0)
                return -EINVAL;
        *ret = v;
        return 1;
}

/* Every element a string; each one passed to check (which may add an error and return false). */
static int get_string_list(Parser *p, json_object *obj, const char *key, const char *path, size_t max,
                           bool (*check)(const char *), const char *what, char ***ret, size_t *ret_n) {
        _cleanup_free_ char *sub = path_join(p, path, key);
        json_object *arr = NULL;
        char **v;
        int n;

        if (!sub)
                return -ENOMEM;
        n = get_array(p, obj, key, path, &arr);
        if (n <= 0)
                return n;
        v = calloc((size_t) n, sizeof(char *));
        if (!v) {
                p->oom = true;
                return -ENOMEM;
        }
        *ret = v;
        *ret_n = (size_t) n;
        for (size_t i = 0; i < (size_t) n; i++) {
                json_object *e = json_object_array_get_idx(arr, i);
                _cleanup_free_ char *ep = path_index(p, sub, i);
                const char *s;

                if (!ep)
                        return -ENOMEM;
                if (json_get_string(e, ep, max, p->errors, &s) < 0)
                        continue;
                if (!check(s)) {
                        add_error(p, ep, "\"%s\" is not %s", s, what);
                        continue;
                }
                v[i] = strdup(s);
                if (!v[i]) {
                        p->oom = true;
                        return -ENOMEM;
                }
        }
        return n;
}

int config_check_path(const char *path, const char **ret_reason) {
        static const char *const allowed[] = { "/etc/", "/var/", "/home/", "/root/", "/opt/", "/srv/" };
        const char *reason = NULL;
        size_t len;

        if (!path || path[0] != '/')
                reason = "is not an absolute path";
        else if ((len = strlen(path)) >= PATH_MAX)
                reason = "is too long";
        else if (string_has_cc(path))
                reason = "contains control characters";
        else if (path[len - 1] == '/' || strstr(path, "//") || strstr(path, "/./") || strstr(path, "/../") ||
                 (len >= 2 && strcmp(path + len - 2, "/.") == 0) || (len >= 3 && strcmp(path + len - 3, "/..") == 0))
                reason = "is not normalised (empty, \".\" or \"..\" components, or a trailing slash)";
        else if (strcmp(path, "/usr") == 0 || strncmp(path, "/usr/", 5) == 0)
                reason = "is under /usr, which is read-only and verified on Hull";
        else {
                reason = "is outside the writable trees /etc, /var, /home, /root, /opt, /srv";
                for (size_t i = 0; i < ELEMENTSOF(allowed); i++)
                        if (strncmp(path, allowed[i], strlen(allowed[i])) == 0)
                                reason = NULL;
        }
        if (reason) {
                if (ret_reason)
                        *ret_reason = reason;
                return -EINVAL;
        }
        return 0;
}

bool unit_name_is_valid(const char *name) {
        static const char *const suffixes[] = { ".service", ".socket", ".timer", ".target", ".path",
                                                ".mount", ".automount", ".swap", ".slice" };
        size_t len = name ? strlen(name) : 0;
        const char *dot;

        if (len == 0 || len > 255 || name[0] == '.' || name[0] == '-')
                return false;
        for (const char *c = name; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                      strchr(":_.\\@-", *c)))
                        return false;
        dot = strrchr(name, '.');
        if (!dot || dot == name)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(suffixes); i++)
                if (strcmp(dot, suffixes[i]) == 0)
                        return true;
        return false;
}

/* The portable subset useradd accepts by default: [a-z_][a-z0-9_-]*, at most 32. */
bool user_name_is_valid(const char *name) {
        size_t len = name ? strlen(name) : 0;
        if (len == 0 || len > 32 || !((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_'))
                return false;
        for (const char *c = name; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
                        return false;
        return true;
}

static bool ssh_key_is_valid(const char *s) {
        return s[0] != 0 && !string_has_cc(s);
}

static bool dropin_name_is_valid(const char *s) {
        size_t len = strlen(s);
        return len > 5 && len <= 255 && s[0] != '.' && !strchr(s, '/') && !string_has_cc(s) &&
               strcmp(s + len - 5, ".conf") == 0;
}

static void parse_user(Parser *p, json_object *o, const char *path, ConfigUser *u) {
        static const char *const known[] = { "name", "sshAuthorizedKeys", "groups", "passwordHash", "shell", NULL };
        _cleanup_free_ char *np = path_join(p, path, "name"), *hp = path_join(p, path, "passwordHash"),
                            *sp = path_join(p, path, "shell");

        if (!np || !hp || !sp)
                return;
        check_keys(p, o, path, known);
        if (get_string(p, o, "name", path, 64, &u->name) == 0)
                add_error(p, np, "is required");
        else if (u->name && !user_name_is_valid(u->name))
                add_error(p, np, "\"%s\" is not a valid user name ([a-z_][a-z0-9_-]*, at most 32)", u->name);
        (void) get_string_list(p, o, "sshAuthorizedKeys", path, KEY_SIZE_MAX, ssh_key_is_valid,
                               "a one-line SSH public key", &u->ssh_keys, &u->n_ssh_keys);
        (void) get_string_list(p, o, "groups", path, 64, user_name_is_valid, "a valid group name",
                               &u->groups, &u->n_groups);
        if (get_string(p, o, "passwordHash", path, 1024, &u->password_hash) > 0 &&
            (string_has_cc(u->password_hash) || strchr(u->password_hash, ':')))
                add_error(p, hp, "must not contain ':' or control characters");
        if (get_string(p, o, "shell", path, 255, &u->shell) > 0 &&
            (u->shell[0] != '/' || string_has_cc(u->shell) || strchr(u->shell, ':')))
                add_error(p, sp, "must be an absolute path without ':' or control characters");
}

/* A file's "source" (at sp): a data: URL, decoded, then gunzipped if gzip. 0 and the bytes,
 * or -EINVAL with the problem added. */
static int decode_source(Parser *p, const char *source, const char *sp, bool gzip, uint8_t **ret, size_t *ret_size) {
        _cleanup_free_ uint8_t *raw = NULL;
        size_t raw_size = 0;
        int r;

        if (strncasecmp(source, "data:", 5) != 0) {
                const char *colon = strchr(source, ':');
                if (colon && colon - source < 16)
                        add_error(p, sp, "unsupported source scheme \"%.*s\" (only data: URLs)",
                                  (int) (colon - source), source);
                else
                        add_error(p, sp, "is not a URL (only data: URLs are supported)");
                return -EINVAL;
        }
        r = dataurl_decode(source, DATAURL_SIZE_MAX, &raw, &raw_size);
        if (r == -EFBIG) {
                add_error(p, sp, "data: URL decodes to more than %u bytes", DATAURL_SIZE_MAX);
                return -EINVAL;
        }
        if (r < 0) {
                add_error(p, sp, "malformed data: URL (bad base64 or percent-encoding)");
                return -EINVAL;
        }
        if (!gzip) {
                *ret = TAKE_PTR(raw);
                *ret_size = raw_size;
                return 0;
        }
        r = gzip_decompress(raw, raw_size, DATAURL_SIZE_MAX, ret, ret_size);
        if (r == -EFBIG) {
                add_error(p, sp, "decompresses to more than %u bytes", DATAURL_SIZE_MAX);
                return -EINVAL;
        }
        if (r < 0) {
                add_error(p, sp, "is not valid gzip data");
                return -EINVAL;
        }
        return 0;
}

/* Like Ignition, the hash (at hp) is over the contents as written (after decompression). */
static int check_hash(Parser *p, const char *hp, const char *hash, const uint8_t *data, size_t size) {
        int r = hash_verify(hash, data, size);

        if (r == -EBADMSG)
                add_error(p, hp, "mismatch: the contents do not have hash %s", hash);
        else if (r == -EOPNOTSUPP)
                add_error(p, hp, "unsupported hash type in \"%s\" (sha512- or sha256-)", hash);
        else if (r < 0)
                add_error(p, hp, "malformed hash \"%s\" (expected sha512-<128 hex digits>)", hash);
        return r < 0 ? -EINVAL : 0;
}

static void parse_contents(Parser *p, json_object *o, const char *path, ConfigFile *f) {
        static const char *const known[] = { "source", "compression", "verification", NULL };
        static const char *const vknown[] = { "hash", NULL };
        _cleanup_free_ char *sp = path_join(p, path, "source"), *cp = path_join(p, path, "compression"),
                            *vp = path_join(p, path, "verification"), *hp = NULL, *source = NULL,
                            *compression = NULL, *hash = NULL;
        _cleanup_free_ uint8_t *data = NULL;
        json_object *ver = NULL;
        size_t size = 0;
        bool gzip = false;
        int r;

        if (!sp || !cp || !vp)
                return;
        check_keys(p, o, path, known);
        if (get_string(p, o, "compression", path, 16, &compression) > 0) {
                if (strcmp(compression, "gzip") == 0)
                        gzip = true;
                else if (compression[0] != 0) {
                        add_error(p, cp, "unsupported compression \"%s\" (only \"gzip\")", compression);
                        return;
                }
        }
        if (get_object(p, o, "verification", path, &ver) > 0) {
                check_keys(p, ver, vp, vknown);
                hp = path_join(p, vp, "hash");
                (void) get_string(p, ver, "hash", vp, 256, &hash);
        }
        r = get_string(p, o, "source", path, CONFIG_SIZE_MAX, &source);
        if (r <= 0) {
                if (r == 0 && gzip)
                        add_error(p, cp, "set without a source");
                if (r == 0 && hash)
                        add_error(p, hp ?: vp, "set without a source");
                return;
        }
        if (decode_source(p, source, sp, gzip, &data, &size) < 0)
                return;
        p->decoded_total += size;
        if (p->decoded_total > CONFIG_DECODED_MAX) {
                add_error(p, sp, "all file contents together exceed %u bytes", CONFIG_DECODED_MAX);
                return;
        }
        if (hash && check_hash(p, hp, hash, data, size) < 0)
                return;
        f->has_contents = true;
        f->data = TAKE_PTR(data);
        f->size = size;
}

static void parse_path(Parser *p, json_object *o, const char *path, char **ret) {
        _cleanup_free_ char *pp = path_join(p, path, "path");
        const char *reason;

        if (!pp)
                return;
        if (get_string(p, o, "path", path, PATH_MAX, ret) == 0)
                add_error(p, pp, "is required");
        else if (*ret && config_check_path(*ret, &reason) < 0)
                add_error(p, pp, "\"%s\" %s", *ret, reason);
}

static void parse_file(Parser *p, json_object *o, const char *path, ConfigFile *f) {
        static const char *const known[] = { "path", "mode", "overwrite", "contents", NULL };
        _cleanup_free_ char *cp = path_join(p, path, "contents");
        json_object *c;

        if (!cp)
                return;
        check_keys(p, o, path, known);
        parse_path(p, o, path, &f->path);
        get_mode(p, o, path, 0644, &f->mode);
        (void) get_bool(p, o, "overwrite", path, &f->overwrite);
        if (get_object(p, o, "contents", path, &c) > 0)
                parse_contents(p, c, cp, f);
}

static void parse_directory(Parser *p, json_object *o, const char *path, ConfigDirectory *d) {
        static const char *const known[] = { "path", "mode", "overwrite", NULL };
        _cleanup_free_ char *op = path_join(p, path, "overwrite");
        bool overwrite = false;

        if (!op)
                return;
        check_keys(p, o, path, known);
        parse_path(p, o, path, &d->path);
        get_mode(p, o, path, 0755, &d->mode);
        if (get_bool(p, o, "overwrite", path, &overwrite) > 0 && overwrite)
                add_error(p, op, "true is not supported for directories (an existing directory is kept)");
}

static void parse_link(Parser *p, json_object *o, const char *path, ConfigLink *l) {
        static const char *const known[] = { "path", "target", "hard", "overwrite", NULL };
        _cleanup_free_ char *tp = path_join(p, path, "target");
        const char *reason;

        if (!tp)
                return;
        check_keys(p, o, path, known);
        parse_path(p, o, path, &l->path);
        (void) get_bool(p, o, "hard", path, &l->hard);
        (void) get_bool(p, o, "overwrite", path, &l->overwrite);
        if (get_string(p, o, "target", path, PATH_MAX - 1, &l->target) == 0)
                add_error(p, tp, "is required");
        else if (l->target && (l->target[0] == 0 || string_has_cc(l->target)))
                add_error(p, tp, "must be non-empty and free of control characters");
        else if (l->target && l->hard && config_check_path(l->target, &reason) < 0)
                add_error(p, tp, "\"%s\" %s (hard link targets follow the path rules)", l->target, reason);
}

static void parse_unit(Parser *p, json_object *o, const char *path, ConfigUnit *u) {
        static const char *const known[] = { "name", "enabled", "mask", "contents", "dropins", NULL };
        static const char *const dknown[] = { "name", "contents", NULL };
        _cleanup_free_ char *np = path_join(p, path, "name"), *dp = path_join(p, path, "dropins"),
                            *mp = path_join(p, path, "mask");
        json_object *arr = NULL;
        bool enabled = false;
        int n;

        if (!np || !dp || !mp)
                return;
        check_keys(p, o, path, known);
        u->enabled = -1;
        if (get_string(p, o, "name", path, 256, &u->name) == 0)
                add_error(p, np, "is required");
        else if (u->name && !unit_name_is_valid(u->name))
                add_error(p, np, "\"%s\" is not a valid unit name", u->name);
        if (get_bool(p, o, "enabled", path, &enabled) > 0)
                u->enabled = enabled;
        (void) get_bool(p, o, "mask", path, &u->mask);
        (void) get_string(p, o, "contents", path, UNIT_SIZE_MAX, &u->contents);
        n = get_array(p, o, "dropins", path, &arr);
        if (n > 0) {
                u->dropins = calloc((size_t) n, sizeof(ConfigDropin));
                if (!u->dropins) {
                        p->oom = true;
                        return;
                }
                u->n_dropins = (size_t) n;
        }
        for (size_t i = 0; i < u->n_dropins; i++) {
                json_object *e = json_object_array_get_idx(arr, i);
                _cleanup_free_ char *ep = path_index(p, dp, i), *enp = NULL, *ecp = NULL;
                ConfigDropin *d = &u->dropins[i];

                if (!ep || !(enp = path_join(p, ep, "name")) || !(ecp = path_join(p, ep, "contents")))
                        return;
                if (!e || json_expect(e, json_type_object, "an object", ep, p->errors) < 0)
                        continue;
                check_keys(p, e, ep, dknown);
                if (get_string(p, e, "name", ep, 256, &d->name) == 0)
                        add_error(p, enp, "is required");
                else if (d->name && !dropin_name_is_valid(d->name))
                        add_error(p, enp, "\"%s\" is not a valid drop-in name (<name>.conf)", d->name);
                if (get_string(p, e, "contents", ep, UNIT_SIZE_MAX, &d->contents) == 0)
                        add_error(p, ecp, "is required");
                for (size_t j = 0; j < i; j++)
                        if (d->name && streq_ptr(d->name, u->dropins[j].name))
                                add_error(p, enp, "duplicate drop-in \"%s\"", d->name);
        }
        if (u->mask && (u->contents || u->n_dropins > 0 || u->enabled == 1))
                add_error(p, mp, "a masked unit cannot also have contents, drop-ins or enabled=true");
        if (u->enabled == 1 && u->name && strstr(u->name, "@.")) {
                add_error(p, np, "template \"%s\" cannot be enabled without an instance name", u->name);
                return;
        }
        /* Units this config writes are checked now; units already in the image when applying. */
        if (u->enabled == 1 && u->contents) {
                _cleanup_free_ char *cp = path_join(p, path, "contents");
                UnitInstall inst = {};
                const char *key = NULL;
                int r = unit_install_parse(u->contents, &inst, &key);

                unit_install_done(&inst);
                if (r == -EOPNOTSUPP)
                        add_error(p, cp ?: path, "[Install] %s= is not supported; enable the other units explicitly", key);
                else if (r == -ENOMEM)
                        p->oom = true;
                else if (r < 0)
                        add_error(p, cp ?: path, "invalid [Install] section: %s", key ?: "bad line");
                else if (r == 0)
                        add_error(p, cp ?: path, "enabled=true, but the unit has no WantedBy=, RequiredBy= or Alias= in [Install]");
        }
}

/* Walks an array of objects, calling fn for each with its JSON path. */
static void *parse_list(Parser *p, json_object *parent, const char *key, const char *path, size_t elem_size,
                        size_t *ret_n, void (*fn)(Parser *, json_object *, const char *, void *)) {
        _cleanup_free_ char *sub = path_join(p, path, key);
        json_object *arr = NULL;
        char *v;
        int n;

        *ret_n = 0;
        if (!sub)
                return NULL;
        n = get_array(p, parent, key, path, &arr);
        if (n <= 0)
                return NULL;
        v = calloc((size_t) n, elem_size);
        if (!v) {
                p->oom = true;
                return NULL;
        }
        *ret_n = (size_t) n;
        for (size_t i = 0; i < (size_t) n; i++) {
                json_object *e = json_object_array_get_idx(arr, i);
                _cleanup_free_ char *ep = path_index(p, sub, i);

                if (!ep)
                        break;
                if (json_expect(e, json_type_object, NULL, ep, p->errors) < 0) {
                        if (elem_size == sizeof(ConfigUnit))
                                ((ConfigUnit *) (void *) (v + i * elem_size))->enabled = -1;
                        continue;
                }
                fn(p, e, ep, v + i * elem_size);
        }
        return v;
}

#define PARSE_FN(name, type) \
        static void name##_cb(Parser *p, json_object *o, const char *path, void *e) { name(p, o, path, (type *) e); }
PARSE_FN(parse_user, ConfigUser)
PARSE_FN(parse_file, ConfigFile)
PARSE_FN(parse_directory, ConfigDirectory)
PARSE_FN(parse_link, ConfigLink)
PARSE_FN(parse_unit, ConfigUnit)

static void parse_version(Parser *p, json_object *root, Config *c) {
        static const char *const known[] = { "version", NULL };
        _cleanup_free_ char *v = NULL;
        json_object *ign = NULL;

        if (get_object(p, root, "ignition", "", &ign) == 0) {
                add_error(p, "ignition", "is required (with \"version\")");
                return;
        }
        if (!ign)
                return;
        check_keys(p, ign, "ignition", known);
        if (get_string(p, ign, "version", "ignition", 32, &v) == 0) {
                add_error(p, "ignition.version", "is required");
                return;
        }
        if (!v)
                return;
        if (strlen(v) == 5 && strncmp(v, "3.", 2) == 0 && v[2] >= '0' && v[2] <= '4' && strcmp(v + 3, ".0") == 0)
                c->version_minor = (unsigned) (v[2] - '0');
        else
                add_error(p, "ignition.version", "unsupported version \"%s\" (Hull reads 3.0.0 to 3.4.0)", v);
}

/* Two entries for one path, or a file or link with something below it, cannot both be made. */
static void check_conflicts(Parser *p, const Config *c) {
        size_t n = c->n_files + c->n_directories + c->n_links;
        _cleanup_free_ const char **paths = NULL;
        _cleanup_free_ bool *is_leaf = NULL;
        size_t k = 0;

        paths = calloc(n + 1, sizeof(char *));
        is_leaf = calloc(n + 1, sizeof(bool));
        if (!paths || !is_leaf) {
                p->oom = true;
                return;
        }
        for (size_t i = 0; i < c->n_files; i++, k++)
                paths[k] = c->files[i].path, is_leaf[k] = true;
        for (size_t i = 0; i < c->n_directories; i++, k++)
                paths[k] = c->directories[i].path;
        for (size_t i = 0; i < c->n_links; i++, k++)
                paths[k] = c->links[i].path, is_leaf[k] = true;
        for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < i && paths[i]; j++) {
                        size_t lj;
                        if (!paths[j])
                                continue;
                        if (strcmp(paths[i], paths[j]) == 0) {
                                add_error(p, "storage", "duplicate path \"%s\"", paths[i]);
                                continue;
                        }
                        lj = strlen(paths[j]);
                        if (is_leaf[j] && strncmp(paths[i], paths[j], lj) == 0 && paths[i][lj] == '/')
                                add_error(p, "storage", "\"%s\" is below \"%s\", which is not a directory", paths[i], paths[j]);
                        else if (is_leaf[i] && strncmp(paths[j], paths[i], strlen(paths[i])) == 0 &&
                                 paths[j][strlen(paths[i])] == '/')
                                add_error(p, "storage", "\"%s\" is below \"%s\", which is not a directory", paths[j], paths[i]);
                }
        for (size_t i = 0; i < c->n_users; i++)
                for (size_t j = 0; j < i; j++)
                        if (c->users[i].name && streq_ptr(c->users[i].name, c->users[j].name))
                                add_error(p, "passwd.users", "duplicate user \"%s\"", c->users[i].name);
        for (size_t i = 0; i < c->n_units; i++)
                for (size_t j = 0; j < i; j++)
                        if (c->units[i].name && streq_ptr(c->units[i].name, c->units[j].name))
                                add_error(p, "systemd.units", "duplicate unit \"%s\"", c->units[i].name);
}

static void parse_root(Parser *p, json_object *root, Config *c) {
        static const char *const known[] = { "ignition", "passwd", "storage", "systemd", NULL };
        static const char *const pknown[] = { "users", NULL };
        static const char *const sknown[] = { "files", "directories", "links", NULL };
        static const char *const yknown[] = { "units", NULL };
        json_object *o = NULL;

        check_keys(p, root, "", known);
        parse_version(p, root, c);
        if (get_object(p, root, "passwd", "", &o) > 0) {
                check_keys(p, o, "passwd", pknown);
                c->users = parse_list(p, o, "users", "passwd", sizeof(ConfigUser), &c->n_users, parse_user_cb);
        }
        if (get_object(p, root, "storage", "", &o) > 0) {
                check_keys(p, o, "storage", sknown);
                c->files = parse_list(p, o, "files", "storage", sizeof(ConfigFile), &c->n_files, parse_file_cb);
                c->directories = parse_list(p, o, "directories", "storage", sizeof(ConfigDirectory),
                                            &c->n_directories, parse_directory_cb);
                c->links = parse_list(p, o, "links", "storage", sizeof(ConfigLink), &c->n_links, parse_link_cb);
        }
        if (get_object(p, root, "systemd", "", &o) > 0) {
                check_keys(p, o, "systemd", yknown);
                c->units = parse_list(p, o, "units", "systemd", sizeof(ConfigUnit), &c->n_units, parse_unit_cb);
        }
        check_conflicts(p, c);
}

int config_parse(const char *text, size_t size, Config **ret, Diag *errors) {
        return config_parse_with(text, size, NULL, ret, errors);
}

int config_parse_with(const char *text, size_t size, const ConfigResolver *res, Config **ret, Diag *errors) {
        _cleanup_config_ Config *c = NULL;
        _cleanup_diag_ Diag local = {};
        _cleanup_json_ json_object *root = NULL, *merged = NULL;
        Parser p = { .errors = errors ?: &local };
        enum json_tokener_error e;
        size_t offset;
        int r;

        if (p.errors->max == 0)
                p.errors->max = CONFIG_ERRORS_MAX;

        if (size > CONFIG_SIZE_MAX) {
                add_error(&p, "(config)", "is larger than %u bytes", CONFIG_SIZE_MAX);
                return -EFBIG;
        }
        if (memchr(text, 0, size)) {
                add_error(&p, "(config)", "contains a NUL byte");
                return -EINVAL;
        }
        r = json_parse_document(text, size, JSON_DEPTH_MAX, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8, &root,
                                &e, &offset);
        if (r == -EINVAL) {
                if (e == json_tokener_success)
                        add_error(&p, "(config)", "malformed JSON: trailing data at byte %zu", offset);
                else if (e == json_tokener_continue)
                        add_error(&p, "(config)", "malformed JSON: unexpected end of input");
                else
                        add_error(&p, "(config)", "malformed JSON at byte %zu: %s", offset, json_tokener_error_desc(e));
                return p.oom || p.errors->oom ? -ENOMEM : -EINVAL;
        }
        if (r < 0)
                return r;
        if (json_expect(root, json_type_object, "a JSON object", "(config)", p.errors) < 0)
                return -EINVAL;
        /* ignition.config first: the merged document is what is parsed and checked. */
        r = config_resolve(root, res, &merged, p.errors);
        if (r < 0)
                return r;
        c = calloc(1, sizeof(Config));
        if (!c)
                return -ENOMEM;
        parse_root(&p, merged, c);
        if (p.oom || p.errors->oom)
                return -ENOMEM;
        if (p.errors->n_errors > 0)
                return -EINVAL;
        *ret = TAKE_PTR(c);
        return 0;
}

int config_add_default_user(Config *c, const char *name, const char *group, char *const *keys, size_t n_keys) {
        ConfigUser *users, *u;

        if (!user_name_is_valid(name) || !user_name_is_valid(group) || n_keys == 0)
                return -EINVAL;
        users = realloc(c->users, (c->n_users + 1) * sizeof(ConfigUser));
        if (!users)
                return -ENOMEM;
        c->users = users;
        u = &users[c->n_users];
        *u = (ConfigUser) {};
        u->name = strdup(name);
        u->groups = calloc(2, sizeof(char *));
        u->ssh_keys = calloc(n_keys + 1, sizeof(char *));
        if (u->groups)
                u->groups[0] = strdup(group);
        for (size_t i = 0; u->ssh_keys && i < n_keys; i++) {
                u->ssh_keys[i] = strdup(keys[i]);
                if (!u->ssh_keys[i])
                        break;
                u->n_ssh_keys++;
        }
        u->n_groups = u->groups && u->groups[0] ? 1 : 0;
        c->n_users++; /* from here config_free() frees what was allocated */
        if (!u->name || u->n_groups != 1 || u->n_ssh_keys != n_keys)
                return -ENOMEM;
        return 0;
}

int config_add_hostname(Config *c, const char *hostname) {
        ConfigFile *files, *f;
        char *data = NULL;
        int n;

        for (size_t i = 0; i < c->n_files; i++)
                if (strcmp(c->files[i].path, HOSTNAME_FILE) == 0)
                        return 0;
        for (size_t i = 0; i < c->n_links; i++)
                if (strcmp(c->links[i].path, HOSTNAME_FILE) == 0)
                        return 0;
        for (size_t i = 0; i < c->n_directories; i++)
                if (strcmp(c->directories[i].path, HOSTNAME_FILE) == 0)
                        return 0;
        n = asprintf(&data, "%s\n", hostname);
        if (n < 0)
                return -ENOMEM;
        files = realloc(c->files, (c->n_files + 1) * sizeof(ConfigFile));
        if (!files) {
                free(data);
                return -ENOMEM;
        }
        c->files = files;
        f = &files[c->n_files];
        *f = (ConfigFile) { .path = strdup(HOSTNAME_FILE), .mode = 0644, .overwrite = true, .has_contents = true,
                            .data = (uint8_t *) data, .size = (size_t) n };
        c->n_files++; /* from here config_free() frees it */
        return f->path ? 1 : -ENOMEM;
}

Config *config_free(Config *c) {
        if (!c)
                return NULL;
        for (size_t i = 0; i < c->n_users; i++) {
                free(c->users[i].name);
                strv_free_n(c->users[i].ssh_keys, c->users[i].n_ssh_keys);
                strv_free_n(c->users[i].groups, c->users[i].n_groups);
                free(c->users[i].password_hash);
                free(c->users[i].shell);
        }
        free(c->users);
        for (size_t i = 0; i < c->n_files; i++) {
                free(c->files[i].path);
                free(c->files[i].data);
        }
        free(c->files);
        for (size_t i = 0; i < c->n_directories; i++)
                free(c->directories[i].path);
        free(c->directories);
        for (size_t i = 0; i < c->n_links; i++) {
                free(c->links[i].path);
                free(c->links[i].target);
        }
        free(c->links);
        for (size_t i = 0; i < c->n_units; i++) {
                free(c->units[i].name);
                free(c->units[i].contents);
                for (size_t j = 0; j < c->units[i].n_dropins; j++) {
                        free(c->units[i].dropins[j].name);
                        free(c->units[i].dropins[j].contents);
                }
                free(c->units[i].dropins);
        }
        free(c->units);
        free(c);
        return NULL;
}
