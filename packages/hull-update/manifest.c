/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "hull/macro.h"
#include "hull/parse.h"
#include "manifest.h"
#include "version.h"

bool version_is_valid(const char *v) {
        size_t n = 0;

        if (!v || !*v)
                return false;
        for (const char *p = v; *p; p++, n++) {
                if (n >= MANIFEST_VERSION_MAX)
                        return false;
                if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                      strchr(".~^_-", *p)))
                        return false;
        }
        return true;
}

const char *manifest_usr_file(const Manifest *m) {
        return m->compression == COMPRESSION_ZSTD ? "usr.erofs.zst" : "usr.erofs";
}

static int fail(const char **ret_error, const char *msg) {
        if (ret_error)
                *ret_error = msg;
        return -EBADMSG;
}

int manifest_validate(const Manifest *m, const char **ret_error) {
        if (m->format != MANIFEST_FORMAT)
                return fail(ret_error, "unsupported \"format\" (this updater reads format 1)");
        if (memchr(m->version, 0, sizeof(m->version)) == NULL || !version_is_valid(m->version))
                return fail(ret_error, "\"version\" must be 1-64 characters of [0-9A-Za-z.~^_-]");
        if (m->build > INT64_MAX)
                return fail(ret_error, "\"build\" is out of range");
        if (m->released < 0 || m->expires < 0)
                return fail(ret_error, "\"released\" and \"expires\" must be seconds since the epoch");
        if (m->expires <= m->released)
                return fail(ret_error, "\"expires\" is not after \"released\"");
        if (m->compression != COMPRESSION_NONE && m->compression != COMPRESSION_ZSTD)
                return fail(ret_error, "\"usr\".\"compression\" must be \"zstd\" or \"none\"");
        if (m->usr.size == 0 || m->usr.size > MANIFEST_FILE_SIZE_MAX || m->usr.size % 4096 != 0)
                return fail(ret_error, "\"usr\".\"size\" must be a positive multiple of 4096");
        if (m->verity.size < 8192 || m->verity.size > MANIFEST_FILE_SIZE_MAX || m->verity.size % 4096 != 0)
                return fail(ret_error, "\"verity\".\"size\" must be a multiple of 4096, at least 8192");
        if (m->uki.size < 512 || m->uki.size > MANIFEST_FILE_SIZE_MAX)
                return fail(ret_error, "\"uki\".\"size\" is out of range");
        return 0;
}

/* Object member of the expected type, or NULL. */
static json_object *member(json_object *o, const char *key, json_type t) {
        json_object *v;

        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, t))
                return NULL;
        return v;
}

static int get_u64(json_object *o, const char *key, uint64_t *ret) {
        json_object *v = member(o, key, json_type_int);
        int64_t i;

        if (!v)
                return -EBADMSG;
        errno = 0;
        i = json_object_get_int64(v);
        if (errno != 0 || i < 0)
                return -EBADMSG;
        *ret = (uint64_t) i;
        return 0;
}

static int get_hex(json_object *o, const char *key, uint8_t *ret, size_t len) {
        json_object *v = member(o, key, json_type_string);

        if (!v || (size_t) json_object_get_string_len(v) != 2 * len)
                return -EBADMSG;
        return unhexmem(json_object_get_string(v), len, ret);
}

static int get_file(json_object *o, const char *key, ManifestFile *ret) {
        json_object *f = member(o, key, json_type_object);

        if (!f || get_u64(f, "size", &ret->size) < 0 || get_hex(f, "sha256", ret->sha256, 32) < 0)
                return -EBADMSG;
        return 0;
}

int manifest_parse(const void *data, size_t size, Manifest *ret, const char **ret_error) {
        _cleanup_free_ char *canon = NULL;
        json_tokener *tok = NULL;
        json_object *root = NULL, *v, *usr;
        Manifest m = {};
        uint64_t u;
        size_t canon_size;
        int r = -EBADMSG;

        if (size == 0)
                return fail(ret_error, "empty");
        if (size > MANIFEST_SIZE_MAX)
                return fail(ret_error, "larger than 4096 bytes");
        if (memchr(data, 0, size))
                return fail(ret_error, "contains a NUL byte");

        tok = json_tokener_new_ex(4);
        if (!tok)
                return -ENOMEM;
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
        root = json_tokener_parse_ex(tok, data, (int) size);
        if (!root || json_tokener_get_error(tok) != json_tokener_success) {
                fail(ret_error, "not valid JSON");
                goto finish;
        }
        if (!json_object_is_type(root, json_type_object)) {
                fail(ret_error, "not a JSON object");
                goto finish;
        }

#define CHECK_FIELD(cond, msg)                  \
        if (!(cond)) {                          \
                fail(ret_error, msg);           \
                goto finish;                    \
        }
        CHECK_FIELD(get_u64(root, "format", &u) >= 0 && u == MANIFEST_FORMAT,
                    "\"format\" missing or not 1");
        m.format = MANIFEST_FORMAT;
        v = member(root, "version", json_type_string);
        CHECK_FIELD(v && version_is_valid(json_object_get_string(v)),
                    "\"version\" missing or not 1-64 characters of [0-9A-Za-z.~^_-]");
        strcpy(m.version, json_object_get_string(v));
        CHECK_FIELD(get_hex(root, "key", m.key_id, sizeof(m.key_id)) >= 0, "\"key\" missing or not 32 hex digits");
        CHECK_FIELD(get_u64(root, "build", &m.build) >= 0, "\"build\" missing or not a non-negative integer");
        CHECK_FIELD(get_u64(root, "released", &u) >= 0, "\"released\" missing or not a non-negative integer");
        m.released = (int64_t) u;
        CHECK_FIELD(get_u64(root, "expires", &u) >= 0, "\"expires\" missing or not a non-negative integer");
        m.expires = (int64_t) u;
        CHECK_FIELD(get_hex(root, "usrhash", m.usrhash, sizeof(m.usrhash)) >= 0,
                    "\"usrhash\" missing or not 64 hex digits");
        if (json_object_object_get_ex(root, "pcr11", NULL)) {
                CHECK_FIELD(get_hex(root, "pcr11", m.pcr11, sizeof(m.pcr11)) >= 0, "\"pcr11\" not 64 hex digits");
                m.has_pcr11 = true;
        }
        usr = member(root, "usr", json_type_object);
        CHECK_FIELD(usr, "\"usr\" missing or not an object");
        v = member(usr, "compression", json_type_string);
        CHECK_FIELD(v, "\"usr\".\"compression\" missing");
        if (streq_ptr(json_object_get_string(v), "zstd"))
                m.compression = COMPRESSION_ZSTD;
        else if (streq_ptr(json_object_get_string(v), "none"))
                m.compression = COMPRESSION_NONE;
        else
                CHECK_FIELD(false, "\"usr\".\"compression\" must be \"zstd\" or \"none\"");
        CHECK_FIELD(get_file(root, "usr", &m.usr) >= 0, "\"usr\" needs \"size\" and \"sha256\" (64 hex digits)");
        CHECK_FIELD(get_file(root, "verity", &m.verity) >= 0,
                    "\"verity\" missing or needs \"size\" and \"sha256\" (64 hex digits)");
        CHECK_FIELD(get_file(root, "uki", &m.uki) >= 0,
                    "\"uki\" missing or needs \"size\" and \"sha256\" (64 hex digits)");
#undef CHECK_FIELD

        r = manifest_validate(&m, ret_error);
        if (r < 0)
                goto finish;

        /* Unknown or repeated members, other spacing or order, upper-case hex: not canonical. */
        r = manifest_format(&m, &canon, &canon_size);
        if (r < 0)
                goto finish;
        if (canon_size != size || memcmp(canon, data, size) != 0) {
                r = fail(ret_error, "not in canonical form (unknown members, or not as make-payload writes it)");
                goto finish;
        }
        *ret = m;
        r = 0;
finish:
        json_object_put(root);
        json_tokener_free(tok);
        return r;
}

int manifest_format(const Manifest *m, char **ret, size_t *ret_size) {
        char key[33], usrhash[65], s_usr[65], s_verity[65], s_uki[65], pcr11[64 + 16] = "";
        char *buf = NULL;
        int n;

        hexmem(m->key_id, sizeof(m->key_id), key);
        hexmem(m->usrhash, sizeof(m->usrhash), usrhash);
        hexmem(m->usr.sha256, 32, s_usr);
        hexmem(m->verity.sha256, 32, s_verity);
        hexmem(m->uki.sha256, 32, s_uki);
        if (m->has_pcr11) {
                char h[65];
                hexmem(m->pcr11, 32, h);
                snprintf(pcr11, sizeof(pcr11), "  \"pcr11\": \"%s\",\n", h);
        }
        n = asprintf(&buf,
                     "{\n"
                     "  \"format\": %" PRIu32 ",\n"
                     "  \"version\": \"%.*s\",\n"
                     "  \"key\": \"%s\",\n"
                     "  \"build\": %" PRIu64 ",\n"
                     "  \"released\": %" PRIi64 ",\n"
                     "  \"expires\": %" PRIi64 ",\n"
                     "  \"usrhash\": \"%s\",\n"
                     "%s"
                     "  \"usr\": { \"compression\": \"%s\", \"size\": %" PRIu64 ", \"sha256\": \"%s\" },\n"
                     "  \"verity\": { \"size\": %" PRIu64 ", \"sha256\": \"%s\" },\n"
                     "  \"uki\": { \"size\": %" PRIu64 ", \"sha256\": \"%s\" }\n"
                     "}\n",
                     m->format, MANIFEST_VERSION_MAX, m->version, key, m->build, m->released, m->expires,
                     usrhash, pcr11, m->compression == COMPRESSION_ZSTD ? "zstd" : "none", m->usr.size, s_usr,
                     m->verity.size, s_verity, m->uki.size, s_uki);
        if (n < 0)
                return -ENOMEM;
        *ret = buf;
        if (ret_size)
                *ret_size = (size_t) n;
        return 0;
}

int manifest_check_policy(const Manifest *m, const Policy *p, char *err, size_t err_size) {
        int c;

        if (p->now >= m->expires) {
                snprintf(err, err_size, "manifest of version %s (build %" PRIu64 ") expired at %" PRIi64
                         " (now %" PRIi64 "); the payload is stale, fetch a current one",
                         m->version, m->build, m->expires, p->now);
                return -EKEYEXPIRED;
        }
        if (!p->running_version || p->allow_downgrade)
                return 0;
        c = version_compare(m->version, p->running_version);
        if (c == 0 && (!p->has_running_build || m->build == p->running_build)) {
                if (p->has_running_build)
                        snprintf(err, err_size, "version %s build %" PRIu64 " is the running version", m->version, m->build);
                else
                        snprintf(err, err_size, "version %s is the running version", m->version);
                return -EALREADY;
        }
        if (c < 0 || (c == 0 && m->build < p->running_build)) {
                if (c == 0)
                        snprintf(err, err_size, "version %s build %" PRIu64 " is not newer than the running %s build %" PRIu64
                                 " (use --allow-downgrade to install it anyway)",
                                 m->version, m->build, p->running_version, p->running_build);
                else
                        snprintf(err, err_size, "version %s is not newer than the running version %s"
                                 " (use --allow-downgrade to install it anyway)", m->version, p->running_version);
                return -ESTALE;
        }
        return 0;
}
