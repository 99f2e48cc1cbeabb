/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libfdisk/libfdisk.h>

#include "disk.h"
#include "hull/fileio.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "sign.h"

static void lowercase(char *s) {
        for (; *s; s++)
                *s = (char) tolower((unsigned char) *s);
}

int layout_parse(const char *text, Layout *ret) {
        Layout l = {};
        char name[72], type[72], size[32], label[72];
        const char *p = text;

        while (*p) {
                const char *e = strchr(p, '\n');
                size_t n = e ? (size_t) (e - p) : strlen(p);
                char line[512];

                if (n >= sizeof(line))
                        return -EBADMSG;
                memcpy(line, p, n);
                line[n] = 0;
                p += n + (e ? 1 : 0);
                char *h = strchr(line, '#');
                if (h)
                        *h = 0;
                int k = sscanf(line, "%71s %71s %31s %71s", name, type, size, label);
                if (k <= 0)
                        continue;
                if (k != 4)
                        return -EBADMSG;
                lowercase(type);
                if (streq_ptr(type, TYPE_ESP))
                        snprintf(l.esp_label, sizeof(l.esp_label), "%s", label);
                else if (streq_ptr(type, TYPE_USR)) {
                        if (strncmp(name, "usr-", 4) != 0 || strlen(name + 4) == 0 || strlen(name + 4) >= 16)
                                return -EBADMSG;
                        if (l.n_slots >= SLOTS_MAX)
                                return -E2BIG;
                        snprintf(l.slot[l.n_slots], sizeof(l.slot[0]), "%.15s", name + 4);
                        snprintf(l.data_label[l.n_slots], sizeof(l.data_label[0]), "%s", label);
                        l.n_slots++;
                } else if (streq_ptr(type, TYPE_USR_VERITY)) {
                        size_t i;
                        for (i = 0; i < l.n_slots; i++) {
                                char want[40];
                                snprintf(want, sizeof(want), "usr-%s-verity", l.slot[i]);
                                if (streq_ptr(want, name))
                                        break;
                        }
                        if (i == l.n_slots)
                                return -EBADMSG; /* a verity partition before or without its data */
                        snprintf(l.hash_label[i], sizeof(l.hash_label[0]), "%s", label);
                }
        }
        for (size_t i = 0; i < l.n_slots; i++)
                if (!l.hash_label[i][0])
                        return -EBADMSG;
        if (l.n_slots < 2 || !l.esp_label[0])
                return -EBADMSG;
        *ret = l;
        return (int) l.n_slots;
}

int layout_load(const char *path, Layout *ret) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = read_full_file(path, 65536, &text, NULL);
        if (r < 0)
                return r;
        return layout_parse(text, ret);
}

int disk_read(const char *path, Disk *ret) {
        struct fdisk_context *cxt = NULL;
        struct fdisk_table *tb = NULL;
        struct fdisk_iter *it = NULL;
        struct fdisk_partition *pa = NULL;
        Disk d = {};
        unsigned long ss;
        int r;

        cxt = fdisk_new_context();
        if (!cxt)
                return -ENOMEM;
        r = fdisk_assign_device(cxt, path, 1);
        if (r < 0)
                goto finish;
        if (!fdisk_is_labeltype(cxt, FDISK_DISKLABEL_GPT)) {
                r = -ENOMEDIUM;
                goto finish;
        }
        ss = fdisk_get_sector_size(cxt);
        r = fdisk_get_partitions(cxt, &tb);
        if (r < 0)
                goto finish;
        it = fdisk_new_iter(FDISK_ITER_FORWARD);
        if (!it) {
                r = -ENOMEM;
                goto finish;
        }
        while (fdisk_table_next_partition(tb, it, &pa) == 0) {
                struct fdisk_parttype *t = fdisk_partition_get_type(pa);
                const char *s;
                Part *p;

                if (d.n_parts >= DISK_PARTS_MAX) {
                        r = -E2BIG;
                        goto finish;
                }
                if (!fdisk_partition_has_start(pa) || !fdisk_partition_has_size(pa))
                        continue;
                p = &d.parts[d.n_parts++];
                p->partno = fdisk_partition_get_partno(pa);
                p->offset = (uint64_t) fdisk_partition_get_start(pa) * ss;
                p->size = (uint64_t) fdisk_partition_get_size(pa) * ss;
                s = fdisk_partition_get_name(pa);
                snprintf(p->name, sizeof(p->name), "%s", s ?: "");
                s = t ? fdisk_parttype_get_string(t) : NULL;
                snprintf(p->type, sizeof(p->type), "%s", s ?: "");
                lowercase(p->type);
                s = fdisk_partition_get_uuid(pa);
                snprintf(p->uuid, sizeof(p->uuid), "%s", s ?: "");
                lowercase(p->uuid);
        }
        *ret = d;
        r = 0;
finish:
        fdisk_free_iter(it);
        fdisk_unref_table(tb);
        fdisk_unref_context(cxt);
        return r;
}

int disk_set_uuids(const char *path, size_t partno_a, const char *uuid_a, size_t partno_b, const char *uuid_b) {
        struct fdisk_context *cxt;
        int r;

        cxt = fdisk_new_context();
        if (!cxt)
                return -ENOMEM;
        r = fdisk_assign_device(cxt, path, 0);
        if (r < 0)
                goto finish;
        if (!fdisk_is_labeltype(cxt, FDISK_DISKLABEL_GPT)) {
                r = -ENOMEDIUM;
                goto finish;
        }
        for (int i = 0; i < 2; i++) {
                struct fdisk_partition *pa = fdisk_new_partition();
                if (!pa) {
                        r = -ENOMEM;
                        goto finish;
                }
                r = fdisk_partition_set_uuid(pa, i == 0 ? uuid_a : uuid_b);
                if (r >= 0)
                        r = fdisk_set_partition(cxt, i == 0 ? partno_a : partno_b, pa);
                fdisk_unref_partition(pa);
                if (r < 0)
                        goto finish;
        }
        r = fdisk_write_disklabel(cxt);
        if (r < 0)
                goto finish;
        /* Closes after fsync; the kernel's view of a live disk is refreshed at the next boot. */
        r = fdisk_deassign_device(cxt, 1);
        if (r < 0)
                goto finish;
        {
                _cleanup_close_ int fd = open(path, O_RDWR | O_CLOEXEC);
                if (fd < 0 || fsync(fd) < 0)
                        r = negative_errno();
        }
finish:
        fdisk_unref_context(cxt);
        return r;
}

const Part *disk_find(const Disk *d, const char *name, const char *type) {
        for (size_t i = 0; i < d->n_parts; i++)
                if (streq_ptr(d->parts[i].name, name) && (!type || streq_ptr(d->parts[i].type, type)))
                        return &d->parts[i];
        return NULL;
}

bool uuid_parse_hex(const char *uuid, uint8_t ret[16]) {
        char hex[33];
        size_t n = 0;

        for (const char *p = uuid; *p; p++) {
                if (*p == '-')
                        continue;
                if (n >= 32)
                        return false;
                hex[n++] = (char) tolower((unsigned char) *p);
        }
        hex[n] = 0;
        return n == 32 && unhexmem(hex, 16, ret) >= 0;
}

static void format_uuid(const uint8_t b[16], char ret[37]) {
        char h[33];

        hexmem(b, 16, h);
        snprintf(ret, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

void uuid_from_hash(const uint8_t h[32], char ret_data[37], char ret_hash[37]) {
        format_uuid(h, ret_data);
        format_uuid(h + 16, ret_hash);
}

void uuid_pending(const char *label, char ret[37]) {
        char s[128];
        uint8_t h[32] = {};

        snprintf(s, sizeof(s), "hull-update:pending:%s", label);
        (void) sha256_buffer(s, strlen(s), h);
        format_uuid(h, ret);
}

int slots_find(const Layout *l, const Disk *d, Slot ret[SLOTS_MAX], size_t *ret_n) {
        for (size_t i = 0; i < l->n_slots; i++) {
                Slot s = {};
                char pd[37], ph[37];
                uint8_t a[16], b[16];

                snprintf(s.name, sizeof(s.name), "%s", l->slot[i]);
                s.data = disk_find(d, l->data_label[i], TYPE_USR);
                s.hash = disk_find(d, l->hash_label[i], TYPE_USR_VERITY);
                if (!s.data || !s.hash)
                        return -ENXIO;
                uuid_pending(s.data->name, pd);
                uuid_pending(s.hash->name, ph);
                if (streq_ptr(s.data->uuid, pd) || streq_ptr(s.hash->uuid, ph))
                        s.state = SLOT_PENDING;
                else if (uuid_parse_hex(s.data->uuid, a) && uuid_parse_hex(s.hash->uuid, b)) {
                        memcpy(s.usrhash, a, 16);
                        memcpy(s.usrhash + 16, b, 16);
                        s.state = SLOT_READY;
                } else
                        s.state = SLOT_EMPTY;
                ret[i] = s;
        }
        *ret_n = l->n_slots;
        return 0;
}

int slot_by_hash(const Slot *slots, size_t n, const uint8_t h[32]) {
        for (size_t i = 0; i < n; i++)
                if (slots[i].state == SLOT_READY && memcmp(slots[i].usrhash, h, 32) == 0)
                        return (int) i;
        return -ENOENT;
}

const char *slot_state_to_string(SlotState s) {
        switch (s) {
        case SLOT_PENDING:
                return "pending";
        case SLOT_READY:
                return "ready";
        default:
                return "empty";
        }
}

int cmdline_usrhash(const char *cmdline, uint8_t ret[32]) {
        const char *p = cmdline;
        int r = -ENOENT;

        /* The last usrhash= wins, as for the kernel's own parameters. */
        while ((p = strstr(p, "usrhash="))) {
                if (p == cmdline || isspace((unsigned char) p[-1])) {
                        char hex[65];
                        size_t n = strspn(p + 8, "0123456789abcdefABCDEF");
                        if (n == 64 && (p[8 + 64] == 0 || isspace((unsigned char) p[8 + 64]))) {
                                memcpy(hex, p + 8, 64);
                                hex[64] = 0;
                                for (int i = 0; i < 64; i++)
                                        hex[i] = (char) tolower((unsigned char) hex[i]);
                                if (unhexmem(hex, 32, ret) >= 0)
                                        r = 0;
                        } else
                                r = -EBADMSG;
                }
                p += 8;
        }
        return r;
}
