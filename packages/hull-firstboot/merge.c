/* SPDX-License-Identifier: MIT */
/* ignition.config.merge[] and ignition.config.replace on the JSON document. Each referenced
 * config is fetched (data: here, http(s) through the caller's fetcher), decompressed, its hash
 * checked, parsed, checked for a supported version and resolved in turn; then merged onto the
 * config that references it, in order, the child winning, as Ignition merges:
 *   - objects field by field; a scalar (or a value of another type) of the child replaces the
 *     parent's; a null in the child leaves the parent's value;
 *   - keyed lists by their key: storage files, directories and links by "path" (one key space
 *     across the three: a child's file replaces a parent's directory at the same path),
 *     passwd.users and passwd.groups by "name", systemd.units by "name", a unit's dropins by
 *     "name"; an entry whose key is in the parent is merged field by field, a new one appended;
 *   - other lists (sshAuthorizedKeys, groups) get the child's values appended, duplicates left
 *     out.
 * Working on the JSON keeps one typed parser: the merged document goes through every check a
 * single config does (paths, duplicates, contents, hashes, limits). Library code: problems go
 * to the Diag, nothing is logged. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "config.h"
#include "dataurl.h"
#include "hull/json.h"
#include "hull/macro.h"
#include "merge.h"

#define JSON_DEPTH_MAX 32

typedef struct Resolver {
        const ConfigResolver *res;
        Diag *errors;
        size_t n_refs;
        size_t fetched; /* bytes as fetched or decoded from data: */
        size_t decoded; /* bytes of config text after decompression */
        json_object *found; /* config_remote_references(): the array it fills */
} Resolver;

#define add_error(r, path, ...) diag_error((r)->errors, (path), __VA_ARGS__)

static json_object *copy(json_object *o) {
        json_object *c = NULL;

        if (!o)
                return NULL;
        if (json_object_deep_copy(o, &c, NULL) < 0)
                return NULL;
        return c;
}

/* ---- merging ---- */

typedef enum Kind {
        KIND_ROOT,
        KIND_STORAGE,
        KIND_PASSWD,
        KIND_SYSTEMD,
        KIND_UNIT,
        KIND_OTHER,
} Kind;

static int merge_object(json_object *parent, json_object *child, Kind kind, const char *path, Diag *errors);

static Kind kind_of(Kind parent, const char *key) {
        if (parent == KIND_ROOT && strcmp(key, "storage") == 0)
                return KIND_STORAGE;
        if (parent == KIND_ROOT && strcmp(key, "passwd") == 0)
                return KIND_PASSWD;
        if (parent == KIND_ROOT && strcmp(key, "systemd") == 0)
                return KIND_SYSTEMD;
        return KIND_OTHER;
}

/* The key of a keyed list at key below an object of this kind, and the kind of its entries. */
static const char *list_key(Kind kind, const char *key, Kind *ret_entry) {
        *ret_entry = KIND_OTHER;
        if (kind == KIND_PASSWD && (strcmp(key, "users") == 0 || strcmp(key, "groups") == 0))
                return "name";
        if (kind == KIND_SYSTEMD && strcmp(key, "units") == 0) {
                *ret_entry = KIND_UNIT;
                return "name";
        }
        if (kind == KIND_UNIT && strcmp(key, "dropins") == 0)
                return "name";
        return NULL;
}

static const char *entry_key(json_object *e, const char *key) {
        json_object *v;

        if (!json_object_is_type(e, json_type_object) || !json_object_object_get_ex(e, key, &v) ||
            !json_object_is_type(v, json_type_string))
                return NULL;
        return json_object_get_string(v);
}

static int append_copy(json_object *arr, json_object *e) {
        json_object *c = copy(e);

        if (e && !c)
                return -ENOMEM;
        if (json_object_array_add(arr, c) < 0) {
                json_object_put(c);
                return -ENOMEM;
        }
        return 0;
}

static int check_length(json_object *parent, json_object *child, const char *path, Diag *errors) {
        if (json_object_array_length(parent) + json_object_array_length(child) > CONFIG_ENTRIES_MAX) {
                diag_error(errors, path, "has more than %u entries once merged", CONFIG_ENTRIES_MAX);
                return -EINVAL;
        }
        return 0;
}

/* Entries with a key the parent has (among its own entries, not those the child adds: two
 * entries of one config with the same key stay a duplicate) are merged; others appended. */
static int merge_keyed(json_object *parent, json_object *child, const char *key, Kind entry, const char *path,
                       Diag *errors) {
        size_t n0 = json_object_array_length(parent);
        int r;

        r = check_length(parent, child, path, errors);
        if (r < 0)
                return r;
        for (size_t i = 0; i < json_object_array_length(child); i++) {
                json_object *ce = json_object_array_get_idx(child, i), *match = NULL;
                const char *ck = entry_key(ce, key);

                for (size_t j = 0; ck && j < n0 && !match; j++) {
                        json_object *pe = json_object_array_get_idx(parent, j);
                        const char *pk = entry_key(pe, key);
                        if (pk && strcmp(pk, ck) == 0)
                                match = pe;
                }
                if (match) {
                        _cleanup_free_ char *ep = json_path_index(path, i);
                        if (!ep)
                                return -ENOMEM;
                        r = merge_object(match, ce, entry, ep, errors);
                } else
                        r = append_copy(parent, ce);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Lists without a key: the child's values the parent lacks, appended. */
static int merge_set(json_object *parent, json_object *child, const char *path, Diag *errors) {
        int r;

        r = check_length(parent, child, path, errors);
        if (r < 0)
                return r;
        for (size_t i = 0; i < json_object_array_length(child); i++) {
                json_object *ce = json_object_array_get_idx(child, i);
                bool found = false;

                for (size_t j = 0; j < json_object_array_length(parent) && !found; j++)
                        found = json_object_equal(json_object_array_get_idx(parent, j), ce);
                if (!found && (r = append_copy(parent, ce)) < 0)
                        return r;
        }
        return 0;
}

/* storage.files, .directories and .links share one key space: Ignition's storage nodes. */
static const char *const node_lists[] = { "files", "directories", "links" };

typedef struct Node {
        json_object *entry; /* NULL once removed */
        size_t list;
        const char *path;
} Node;

static json_object *storage_list(json_object *storage, size_t l, bool create) {
        json_object *a = NULL;

        if (json_object_object_get_ex(storage, node_lists[l], &a) && json_object_is_type(a, json_type_array))
                return a;
        if (!create)
                return NULL;
        a = json_object_new_array();
        if (!a)
                return NULL;
        if (json_object_object_add(storage, node_lists[l], a) < 0) {
                json_object_put(a);
                return NULL;
        }
        return a;
}

static int remove_entry(json_object *arr, json_object *e) {
        for (size_t i = 0; i < json_object_array_length(arr); i++)
                if (json_object_array_get_idx(arr, i) == e)
                        return json_object_array_del_idx(arr, i, 1) < 0 ? -ENOMEM : 0;
        return 0;
}

static int merge_nodes(json_object *parent, json_object *child, const char *path, Diag *errors) {
        _cleanup_free_ Node *nodes = NULL;
        size_t n = 0, total = 0;
        int r;

        for (size_t l = 0; l < ELEMENTSOF(node_lists); l++) {
                json_object *pa = storage_list(parent, l, false), *ca = NULL;
                if (pa)
                        total += json_object_array_length(pa);
                /* A child list that is not an array replaces the parent's: the parse reports it. */
                if (json_object_object_get_ex(child, node_lists[l], &ca) && ca &&
                    !json_object_is_type(ca, json_type_array)) {
                        json_object *c = copy(ca);
                        if (!c || json_object_object_add(parent, node_lists[l], c) < 0) {
                                json_object_put(c);
                                return -ENOMEM;
                        }
                }
        }
        nodes = calloc(total + 1, sizeof(Node));
        if (!nodes)
                return -ENOMEM;
        for (size_t l = 0; l < ELEMENTSOF(node_lists); l++) {
                json_object *pa = storage_list(parent, l, false);
                for (size_t i = 0; pa && i < json_object_array_length(pa) && n < total; i++) {
                        json_object *e = json_object_array_get_idx(pa, i);
                        const char *p = entry_key(e, "path");
                        if (p)
                                nodes[n++] = (Node) { .entry = e, .list = l, .path = p };
                }
        }
        for (size_t l = 0; l < ELEMENTSOF(node_lists); l++) {
                _cleanup_free_ char *lp = json_path_key(path, node_lists[l]);
                json_object *ca = NULL, *pa;

                if (!lp)
                        return -ENOMEM;
                if (!json_object_object_get_ex(child, node_lists[l], &ca) || !json_object_is_type(ca, json_type_array))
                        continue;
                pa = storage_list(parent, l, true);
                if (!pa)
                        return -ENOMEM;
                r = check_length(pa, ca, lp, errors);
                if (r < 0)
                        return r;
                for (size_t i = 0; i < json_object_array_length(ca); i++) {
                        json_object *ce = json_object_array_get_idx(ca, i);
                        const char *cpath = entry_key(ce, "path");
                        Node *match = NULL;

                        for (size_t j = 0; cpath && j < n && !match; j++)
                                if (nodes[j].entry && strcmp(nodes[j].path, cpath) == 0)
                                        match = &nodes[j];
                        if (match && match->list == l) {
                                _cleanup_free_ char *ep = json_path_index(lp, i);
                                if (!ep)
                                        return -ENOMEM;
                                r = merge_object(match->entry, ce, KIND_OTHER, ep, errors);
                                if (r < 0)
                                        return r;
                                continue;
                        }
                        /* Another kind of node at that path: the child's replaces it. */
                        if (match) {
                                json_object *other = storage_list(parent, match->list, false), *old = match->entry;
                                match->entry = NULL;
                                if (other && (r = remove_entry(other, old)) < 0)
                                        return r;
                        }
                        r = append_copy(pa, ce);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static int merge_object(json_object *parent, json_object *child, Kind kind, const char *path, Diag *errors) {
        int r;

        json_object_object_foreach(child, key, cv) {
                _cleanup_free_ char *kp = NULL;
                json_object *pv = NULL, *c;
                const char *lkey;
                Kind sub, entry;

                if (!cv)
                        continue; /* null: not set, the parent's value stays */
                if (kind == KIND_STORAGE && (strcmp(key, "files") == 0 || strcmp(key, "directories") == 0 ||
                                             strcmp(key, "links") == 0))
                        continue; /* merge_nodes() */
                kp = json_path_key(path, key);
                if (!kp)
                        return -ENOMEM;
                sub = kind_of(kind, key);
                if (json_object_object_get_ex(parent, key, &pv) && pv) {
                        if (json_object_is_type(pv, json_type_object) && json_object_is_type(cv, json_type_object)) {
                                r = merge_object(pv, cv, sub, kp, errors);
                                if (r < 0)
                                        return r;
                                continue;
                        }
                        if (json_object_is_type(pv, json_type_array) && json_object_is_type(cv, json_type_array)) {
                                lkey = list_key(kind, key, &entry);
                                r = lkey ? merge_keyed(pv, cv, lkey, entry, kp, errors) : merge_set(pv, cv, kp, errors);
                                if (r < 0)
                                        return r;
                                continue;
                        }
                }
                c = copy(cv);
                if (!c || json_object_object_add(parent, key, c) < 0) {
                        json_object_put(c);
                        return -ENOMEM;
                }
        }
        if (kind == KIND_STORAGE)
                return merge_nodes(parent, child, path, errors);
        return 0;
}

/* The child's ignition object: its version and config are its own (checked and resolved);
 * the rest (timeouts, security, proxy) goes to the parse, which refuses what Hull lacks. */
static int merge_config(json_object *parent, json_object *child, Diag *errors) {
        json_object *ign = NULL;

        /* child is resolved and used once: it can lose them. */
        if (json_object_object_get_ex(child, "ignition", &ign) && json_object_is_type(ign, json_type_object)) {
                json_object_object_del(ign, "version");
                json_object_object_del(ign, "config");
        }
        return merge_object(parent, child, KIND_ROOT, "", errors);
}

/* ---- references ---- */

static char *ref_path(const char *path, const char *key) {
        return json_path_key(path, key);
}

/* A string member: 1 and a pointer into o, 0 absent or null, -EINVAL (added). */
static int ref_string(Resolver *rs, json_object *o, const char *key, const char *path, size_t max, const char **ret) {
        _cleanup_free_ char *kp = ref_path(path, key);
        json_object *v;
        int r;

        if (!kp)
                return -ENOMEM;
        if (json_member(o, key, &v) == 0)
                return 0;
        r = json_get_string(v, kp, max, rs->errors, ret);
        return r < 0 ? r : 1;
}

/* A reference's own fields, checked: source (required), compression, verification.hash. */
static int ref_check(Resolver *rs, json_object *ref, const char *path, const char **ret_source,
                     const char **ret_compression, const char **ret_hash) {
        _cleanup_free_ char *sp = ref_path(path, "source"), *cp = ref_path(path, "compression"),
                            *vp = ref_path(path, "verification");
        const char *source = NULL, *compression = NULL, *hash = NULL;
        json_object *ver = NULL;
        size_t n0 = rs->errors->n_errors;
        int r;

        if (!sp || !cp || !vp)
                return -ENOMEM;
        if (json_expect(ref, json_type_object, "an object", path, rs->errors) < 0)
                return -EINVAL;
        json_object_object_foreach(ref, key, val) {
                _cleanup_free_ char *kp = NULL;
                if (strcmp(key, "source") == 0 || strcmp(key, "compression") == 0 || strcmp(key, "verification") == 0)
                        continue;
                if (json_is_empty(val))
                        continue;
                kp = ref_path(path, key);
                if (!kp)
                        return -ENOMEM;
                if (strcmp(key, "httpHeaders") == 0)
                        add_error(rs, kp, "is not supported (no headers are sent with a config's request)");
                else
                        add_error(rs, kp, "unsupported field \"%s\" (Hull implements only part of Ignition; see README)",
                                  key);
        }
        r = ref_string(rs, ref, "compression", path, 16, &compression);
        if (r == -ENOMEM)
                return r;
        if (r > 0 && compression[0] == 0)
                compression = NULL;
        else if (r > 0 && strcmp(compression, "gzip") != 0)
                add_error(rs, cp, "unsupported compression \"%s\" (only \"gzip\")", compression);
        if (json_member(ref, "verification", &ver) > 0 &&
            json_expect(ver, json_type_object, "an object", vp, rs->errors) == 0) {
                json_object_object_foreach(ver, vkey, vval) {
                        _cleanup_free_ char *kp = NULL;
                        if (strcmp(vkey, "hash") == 0 || json_is_empty(vval))
                                continue;
                        kp = ref_path(vp, vkey);
                        if (!kp)
                                return -ENOMEM;
                        add_error(rs, kp, "unsupported field \"%s\"", vkey);
                }
                r = ref_string(rs, ver, "hash", vp, 256, &hash);
                if (r == -ENOMEM)
                        return r;
                if (r > 0 && hash[0] == 0)
                        hash = NULL;
        }
        r = ref_string(rs, ref, "source", path, CONFIG_SIZE_MAX, &source);
        if (r == -ENOMEM)
                return r;
        if (r == 0)
                add_error(rs, sp, "is required");
        else if (r > 0) {
                const char *colon = strchr(source, ':');
                if (strncasecmp(source, "data:", 5) == 0 || strncasecmp(source, "https://", 8) == 0)
                        ;
                else if (strncasecmp(source, "http://", 7) == 0) {
                        if (!hash)
                                add_error(rs, sp, "\"%s\": plain http needs verification.hash (use https, or pin "
                                          "the config with its sha512- or sha256- hash)", source);
                } else if (colon && colon - source < 16)
                        add_error(rs, sp, "unsupported source scheme \"%.*s\" (data:, https:, and http: with "
                                  "verification.hash)", (int) (colon - source), source);
                else
                        add_error(rs, sp, "is not a URL (data:, https:, and http: with verification.hash)");
        }
        if (rs->errors->n_errors > n0)
                return -EINVAL;
        *ret_source = source;
        *ret_compression = compression;
        *ret_hash = hash;
        return 0;
}

/* The referenced config's text: decoded (data:) or fetched, decompressed, hash checked. 1 and
 * the text, 0 when the fetcher only took note of it, -EINVAL (added), -ENOMEM. */
static int ref_load(Resolver *rs, json_object *ref, const char *path, char **ret, size_t *ret_size) {
        _cleanup_free_ char *sp = ref_path(path, "source"), *hp = NULL, *fetched = NULL, *why = NULL;
        _cleanup_free_ uint8_t *raw = NULL, *text = NULL;
        const char *source, *compression, *hash;
        size_t raw_size = 0, size = 0;
        int r;

        if (!sp)
                return -ENOMEM;
        r = ref_check(rs, ref, path, &source, &compression, &hash);
        if (r < 0)
                return r;
        hp = json_path_key(path, "verification.hash");
        if (!hp)
                return -ENOMEM;
        if (++rs->n_refs > CONFIG_REFS_MAX) {
                add_error(rs, path, "more than %u referenced configs in all", CONFIG_REFS_MAX);
                return -EINVAL;
        }
        if (hash) {
                /* A malformed hash is an error before anything is fetched. */
                r = hash_verify(hash, (const uint8_t *) "", 0);
                if (r == -EOPNOTSUPP) {
                        add_error(rs, hp, "unsupported hash type in \"%s\" (sha512- or sha256-)", hash);
                        return -EINVAL;
                }
                if (r == -EINVAL) {
                        add_error(rs, hp, "malformed hash \"%s\" (expected sha512-<128 hex digits>)", hash);
                        return -EINVAL;
                }
        }
        if (strncasecmp(source, "data:", 5) == 0) {
                r = dataurl_decode(source, CONFIG_SIZE_MAX, &raw, &raw_size);
                if (r == -ENOMEM)
                        return r;
                if (r == -EFBIG) {
                        add_error(rs, sp, "data: URL decodes to more than %u bytes", CONFIG_SIZE_MAX);
                        return -EINVAL;
                }
                if (r < 0) {
                        add_error(rs, sp, "malformed data: URL (bad base64 or percent-encoding)");
                        return -EINVAL;
                }
        } else if (!rs->res || !rs->res->fetch) {
                add_error(rs, sp, "\"%s\" is fetched over the network, at boot only (hull-firstboot-fetch.service)",
                          source);
                return -EINVAL;
        } else {
                ConfigSource s = { .path = path, .url = source, .compression = compression, .hash = hash };
                r = rs->res->fetch(&s, rs->res->userdata, &fetched, &raw_size, &why);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        add_error(rs, sp, "failed to fetch \"%s\": %s", source, why ?: strerror(-r));
                        return -EINVAL;
                }
                if (r > 0)
                        return 0;
                raw = (uint8_t *) TAKE_PTR(fetched);
        }
        if (raw_size > CONFIG_SIZE_MAX - rs->fetched) {
                add_error(rs, sp, "the referenced configs together are larger than %u bytes", CONFIG_SIZE_MAX);
                return -EINVAL;
        }
        rs->fetched += raw_size;
        if (compression) {
                r = gzip_decompress(raw, raw_size, CONFIG_SIZE_MAX, &text, &size);
                if (r == -ENOMEM)
                        return r;
                if (r == -EFBIG) {
                        add_error(rs, sp, "the config from \"%.64s\" decompresses to more than %u bytes", source,
                                  CONFIG_SIZE_MAX);
                        return -EINVAL;
                }
                if (r < 0) {
                        add_error(rs, sp, "the config from \"%.64s\" is not valid gzip data", source);
                        return -EINVAL;
                }
        } else {
                text = TAKE_PTR(raw);
                size = raw_size;
        }
        if (size > CONFIG_SIZE_MAX - rs->decoded) {
                add_error(rs, sp, "the referenced configs together are larger than %u bytes", CONFIG_SIZE_MAX);
                return -EINVAL;
        }
        rs->decoded += size;
        if (hash) {
                r = hash_verify(hash, text, size);
                if (r == -EBADMSG) {
                        add_error(rs, hp, "mismatch: the config from \"%.64s\" does not have hash %.80s", source, hash);
                        return -EINVAL;
                }
                if (r < 0) {
                        add_error(rs, hp, "cannot check hash \"%.80s\"", hash);
                        return -EINVAL;
                }
        }
        *ret = (char *) TAKE_PTR(text);
        *ret_size = size;
        return 1;
}

/* The referenced config as a JSON object with a supported version. */
static int ref_parse(Resolver *rs, const char *text, size_t size, const char *path, json_object **ret) {
        _cleanup_free_ char *sp = ref_path(path, "source");
        _cleanup_json_ json_object *o = NULL;
        enum json_tokener_error e;
        json_object *ign, *ver;
        const char *v;
        size_t offset = 0;
        int r;

        if (!sp)
                return -ENOMEM;
        if (memchr(text, 0, size)) {
                add_error(rs, sp, "the referenced config contains a NUL byte");
                return -EINVAL;
        }
        r = json_parse_document(text, size, JSON_DEPTH_MAX, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8, &o, &e,
                                &offset);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                add_error(rs, sp, "the referenced config is not valid JSON (at byte %zu: %s)", offset,
                          e == json_tokener_success ? "trailing data" : json_tokener_error_desc(e));
                return -EINVAL;
        }
        if (!json_object_is_type(o, json_type_object)) {
                add_error(rs, sp, "the referenced config is not a JSON object");
                return -EINVAL;
        }
        if (!json_object_object_get_ex(o, "ignition", &ign) || !json_object_is_type(ign, json_type_object) ||
            !json_object_object_get_ex(ign, "version", &ver) || !json_object_is_type(ver, json_type_string)) {
                add_error(rs, sp, "the referenced config has no ignition.version");
                return -EINVAL;
        }
        v = json_object_get_string(ver);
        if (!(strlen(v) == 5 && strncmp(v, "3.", 2) == 0 && v[2] >= '0' && v[2] <= '4' && strcmp(v + 3, ".0") == 0)) {
                add_error(rs, sp, "the referenced config has unsupported ignition.version \"%.32s\" (Hull reads 3.0.0 "
                          "to 3.4.0)", v);
                return -EINVAL;
        }
        *ret = TAKE_PTR(o);
        return 0;
}

static int resolve(Resolver *rs, json_object *cfg, unsigned depth, const char *prefix, json_object **ret);

/* Loads, parses and resolves the reference at key (with index i, or (size_t) -1) of
 * ignition.config. 1 and *ret, 0 if the fetcher only took note, negative errno. */
static int resolve_ref(Resolver *rs, json_object *ref, const char *path, unsigned depth, json_object **ret) {
        _cleanup_free_ char *text = NULL, *prefix = NULL;
        json_object *child = NULL;
        size_t size = 0;
        int r;

        r = ref_load(rs, ref, path, &text, &size);
        if (r <= 0)
                return r;
        r = ref_parse(rs, text, size, path, &child);
        if (r < 0)
                return r;
        if (asprintf(&prefix, "%s > ", path) < 0) {
                json_object_put(child);
                return -ENOMEM;
        }
        r = resolve(rs, child, depth + 1, prefix, ret);
        return r < 0 ? r : 1;
}

/* cfg (a reference the caller gives away) with its references resolved: *ret. */
static int resolve(Resolver *rs, json_object *cfg, unsigned depth, const char *prefix, json_object **ret) {
        _cleanup_json_ json_object *c = cfg;
        _cleanup_free_ char *cfgp = NULL, *rp = NULL, *mp = NULL;
        json_object *ign = NULL, *conf = NULL, *replace = NULL, *merge = NULL;
        size_t n0 = rs->errors->n_errors, n_merge = 0;
        bool has_replace = false;
        int r = 0;

        if (!json_object_object_get_ex(c, "ignition", &ign) || !json_object_is_type(ign, json_type_object) ||
            !json_object_object_get_ex(ign, "config", &conf) || !conf) {
                *ret = TAKE_PTR(c);
                return 0;
        }
        if (asprintf(&cfgp, "%signition.config", prefix) < 0 || asprintf(&rp, "%s.replace", cfgp) < 0 ||
            asprintf(&mp, "%s.merge", cfgp) < 0)
                return -ENOMEM;
        if (json_expect(conf, json_type_object, "an object", cfgp, rs->errors) < 0)
                return -EINVAL;
        json_object_object_foreach(conf, key, val) {
                _cleanup_free_ char *kp = NULL;
                if (strcmp(key, "merge") == 0 || strcmp(key, "replace") == 0 || json_is_empty(val))
                        continue;
                kp = json_path_key(cfgp, key);
                if (!kp)
                        return -ENOMEM;
                add_error(rs, kp, "unsupported field \"%s\"", key);
        }
        if (json_member(conf, "replace", &replace) > 0 &&
            json_expect(replace, json_type_object, "an object", rp, rs->errors) == 0) {
                /* {"source": null} and {} ask for nothing, as in Ignition. */
                json_object_object_foreach(replace, rkey, rval)
                        if (rkey && !json_is_empty(rval))
                                has_replace = true;
        }
        if (json_member(conf, "merge", &merge) > 0 &&
            json_expect(merge, json_type_array, "an array", mp, rs->errors) == 0) {
                n_merge = json_object_array_length(merge);
                if (n_merge > CONFIG_REFS_PER_CONFIG_MAX)
                        add_error(rs, mp, "has more than %u entries", CONFIG_REFS_PER_CONFIG_MAX);
        }
        if (has_replace && n_merge > 0)
                add_error(rs, cfgp, "replace and merge cannot both be given (replace would drop the merges)");
        if ((has_replace || n_merge > 0) && depth >= CONFIG_REFS_DEPTH_MAX)
                add_error(rs, cfgp, "references nested more than %u configs deep", CONFIG_REFS_DEPTH_MAX);
        if (rs->errors->n_errors > n0)
                return -EINVAL;

        if (has_replace) {
                json_object *child = NULL;
                r = resolve_ref(rs, replace, rp, depth, &child);
                if (r < 0)
                        return r;
                if (r == 0) {
                        /* Only noted: what the child would be is not known; the config stays. */
                        json_object_object_del(ign, "config");
                        *ret = TAKE_PTR(c);
                        return 0;
                }
                *ret = child;
                return 0;
        }
        /* The references are this config's own; the merged result has none. Keep merge alive
         * while its entries are resolved. */
        json_object_get(merge);
        json_object_object_del(ign, "config");
        for (size_t i = 0; i < n_merge; i++) {
                _cleanup_free_ char *ep = json_path_index(mp, i);
                _cleanup_json_ json_object *child = NULL;

                if (!ep) {
                        r = -ENOMEM;
                        break;
                }
                r = resolve_ref(rs, json_object_array_get_idx(merge, i), ep, depth, &child);
                if (r < 0)
                        break;
                if (r == 0)
                        continue;
                r = merge_config(c, child, rs->errors);
                if (r < 0)
                        break;
        }
        json_object_put(merge);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(c);
        return 0;
}

int config_resolve(json_object *root, const ConfigResolver *res, json_object **ret, Diag *errors) {
        Resolver rs = { .res = res, .errors = errors };
        json_object *c;
        int r;

        c = copy(root);
        if (!c)
                return -ENOMEM;
        r = resolve(&rs, c, 0, "", ret);
        if (r == -ENOMEM || errors->oom)
                return -ENOMEM;
        return r;
}

int config_resolve_reference(json_object *ref, const char *path, const ConfigResolver *res, Diag *errors) {
        Resolver rs = { .res = res, .errors = errors };
        json_object *child = NULL;
        int r;

        r = resolve_ref(&rs, ref, path, 0, &child);
        json_object_put(child);
        if (r == -ENOMEM || errors->oom)
                return -ENOMEM;
        return r < 0 ? r : 0;
}

/* A fetcher that notes each remote reference and answers "only noted". */
static int note_reference(const ConfigSource *s, void *userdata, char **ret_body, size_t *ret_size, char **ret_why) {
        json_object *found = userdata, *e = NULL, *ref = NULL, *ver = NULL;

        e = json_object_new_object();
        ref = json_object_new_object();
        if (!e || !ref)
                goto oom;
        if (json_object_object_add(ref, "source", json_object_new_string(s->url)) < 0)
                goto oom;
        if (s->compression && json_object_object_add(ref, "compression", json_object_new_string(s->compression)) < 0)
                goto oom;
        if (s->hash) {
                ver = json_object_new_object();
                if (!ver || json_object_object_add(ver, "hash", json_object_new_string(s->hash)) < 0 ||
                    json_object_object_add(ref, "verification", ver) < 0) {
                        json_object_put(ver);
                        goto oom;
                }
        }
        if (json_object_object_add(e, "path", json_object_new_string(s->path)) < 0)
                goto oom;
        if (json_object_object_add(e, "ref", ref) < 0)
                goto oom;
        ref = NULL;
        if (json_object_array_add(found, e) < 0)
                goto oom;
        return 1;
oom:
        json_object_put(ref);
        json_object_put(e);
        return -ENOMEM;
}

int config_remote_references(json_object *root, json_object **ret, Diag *errors) {
        _cleanup_json_ json_object *found = json_object_new_array(), *out = NULL;
        ConfigResolver res = { .fetch = note_reference, .userdata = found };
        int r;

        if (!found)
                return -ENOMEM;
        r = config_resolve(root, &res, &out, errors);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(found);
        return 0;
}

/* ---- fetched bodies by URL ---- */

int config_ref_name(const char *url, char ret[static 65]) {
        uint8_t md[EVP_MAX_MD_SIZE];
        unsigned len = 0;

        if (EVP_Digest(url, strlen(url), md, &len, EVP_sha256(), NULL) != 1 || len != 32)
                return -ENOMEM;
        for (unsigned i = 0; i < 32; i++)
                snprintf(ret + 2 * i, 3, "%02x", md[i]);
        return 0;
}

bool config_ref_name_is_valid(const char *name) {
        if (strlen(name) != 64)
                return false;
        for (const char *c = name; *c; c++)
                if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
                        return false;
        return true;
}

int config_refs_add(ConfigRefs *r, const char *name, const char *body, size_t size) {
        char **names, **bodies, *n, *b;
        size_t *sizes;

        if (!config_ref_name_is_valid(name))
                return -EINVAL;
        for (size_t i = 0; i < r->n; i++)
                if (strcmp(r->names[i], name) == 0)
                        return -EEXIST;
        if (r->n >= CONFIG_REFS_MAX)
                return -E2BIG;
        if (size > CONFIG_SIZE_MAX - r->total)
                return -EFBIG;
        names = realloc(r->names, (r->n + 1) * sizeof(char *));
        if (!names)
                return -ENOMEM;
        r->names = names;
        bodies = realloc(r->bodies, (r->n + 1) * sizeof(char *));
        if (!bodies)
                return -ENOMEM;
        r->bodies = bodies;
        sizes = realloc(r->sizes, (r->n + 1) * sizeof(size_t));
        if (!sizes)
                return -ENOMEM;
        r->sizes = sizes;
        n = strdup(name);
        b = malloc(size + 1);
        if (!n || !b) {
                free(n);
                free(b);
                return -ENOMEM;
        }
        if (size > 0)
                memcpy(b, body, size);
        b[size] = 0;
        r->names[r->n] = n;
        r->bodies[r->n] = b;
        r->sizes[r->n] = size;
        r->n++;
        r->total += size;
        return 0;
}

int config_refs_find(const ConfigRefs *r, const char *url, const char **ret_body, size_t *ret_size) {
        char name[65];

        if (config_ref_name(url, name) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < r->n; i++)
                if (strcmp(r->names[i], name) == 0) {
                        *ret_body = r->bodies[i];
                        *ret_size = r->sizes[i];
                        return 1;
                }
        return 0;
}

void config_refs_clear(ConfigRefs *r) {
        strv_free_n(r->names, r->n);
        strv_free_n(r->bodies, r->n);
        free(r->sizes);
        *r = (ConfigRefs) {};
}

int config_refs_fetch(const ConfigSource *s, void *userdata, char **ret_body, size_t *ret_size, char **ret_why) {
        const ConfigRefs *r = userdata;
        const char *body;
        size_t size;
        char *b;
        int k;

        k = config_refs_find(r, s->url, &body, &size);
        if (k < 0)
                return k;
        if (k == 0) {
                *ret_why = strdup("not fetched (hull-firstboot-fetch.service did not leave it; its log says why)");
                return -ENOENT;
        }
        b = malloc(size + 1);
        if (!b)
                return -ENOMEM;
        memcpy(b, body, size + 1);
        *ret_body = b;
        *ret_size = size;
        return 0;
}
