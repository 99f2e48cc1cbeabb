/* SPDX-License-Identifier: MIT */
/* hull-update status: the slots, the UKIs, the last update and a rollback, if any. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <systemd/sd-journal.h>

#include "cmd.h"
#include "facts.h"
#include "host.h"
#include "hull/fileio.h"
#include "hull/log.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "state.h"

static const char *arg_layout = PARTITIONS_CONF;
static const char *arg_esp = ESP_DIR;
static const char *arg_state_dir = STATE_DIR;
static bool arg_json = false;

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_LAYOUT = 0x100, ARG_ESP, ARG_STATE_DIR, ARG_JSON };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "layout", required_argument, NULL, ARG_LAYOUT },
                { "esp", required_argument, NULL, ARG_ESP },
                { "state-dir", required_argument, NULL, ARG_STATE_DIR },
                { "json", no_argument, NULL, ARG_JSON },
                {}
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        hull_update_help();
                        return 0;
                case ARG_LAYOUT: arg_layout = optarg; break;
                case ARG_ESP: arg_esp = optarg; break;
                case ARG_STATE_DIR: arg_state_dir = optarg; break;
                case ARG_JSON: arg_json = true; break;
                case '?':
                        return -EINVAL;
                default:
                        return log_error_errno(-EINVAL, "Unhandled option.");
                }
        if (verb_operands(argc, argv, "status", 0) < 0)
                return -EINVAL;
        return 1;
}

/* An EFI variable of systemd-boot's vendor GUID as UTF-8 (ASCII subset). */
static char *efivar_string(const char *name) {
        _cleanup_free_ char *path = NULL, *raw = NULL;
        size_t n;
        char *s;

        if (asprintf(&path, "/sys/firmware/efi/efivars/%s-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f", name) < 0)
                return NULL;
        if (read_full_file(path, 4096, &raw, &n) < 0 || n < 4)
                return NULL;
        s = calloc(n / 2 + 1, 1);
        if (!s)
                return NULL;
        for (size_t i = 4, k = 0; i + 1 < n; i += 2) {
                if (raw[i] == 0 && raw[i + 1] == 0)
                        break;
                s[k++] = (raw[i + 1] == 0 && raw[i] >= 0x20 && raw[i] < 0x7f) ? raw[i] : '?';
        }
        return s;
}

/* The newest failed check hull-health logged ("FAIL <check>: <why>"), from the journal of any
 * boot; NULL if none or no journal. */
static char *last_health_failure(void) {
        sd_journal *j = NULL;
        char *ret = NULL;
        const void *d;
        size_t l;

        if (sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM) < 0)
                return NULL;
        if (sd_journal_add_match(j, "_SYSTEMD_UNIT=hull-health.service", 0) >= 0 && sd_journal_seek_tail(j) >= 0)
                for (int n = 0; n < 1000 && sd_journal_previous(j) > 0; n++) {
                        if (sd_journal_get_data(j, "MESSAGE", &d, &l) < 0 || l < 13)
                                continue;
                        if (memcmp(d, "MESSAGE=FAIL ", 13) == 0) {
                                ret = strndup((const char *) d + 13, l - 13);
                                break;
                        }
                }
        sd_journal_close(j);
        return ret;
}

/* A UKI whose boot counter ran out (no tries left, some done) and that is not the booted slot's:
 * systemd-boot tried that version, its boots never passed the health gate, and the machine went
 * back to the booted slot. */
static const Uki *rolled_back_from(const Facts *f) {
        const Uki *booted = f->booted >= 0 && f->slots[f->booted].state == SLOT_READY ?
                facts_uki_for(f, f->slots[f->booted].usrhash) : NULL;

        for (size_t i = 0; i < f->n_ukis; i++)
                if (f->ukis[i].tries_left == 0 && f->ukis[i].tries_done > 0 && &f->ukis[i] != booted &&
                    (!booted || strcmp(f->ukis[i].version, booted->version) != 0))
                        return &f->ukis[i];
        return NULL;
}

static int run(void) {
        _cleanup_free_ char *selected = efivar_string("LoaderEntrySelected");
        Facts f;
        UpdateState st;
        LastCheck chk;
        bool has_state, has_check;
        _cleanup_free_ char *why = NULL;
        const Uki *back;
        char hex[65];
        int r;

        r = facts_gather(arg_layout, arg_esp, &f);
        if (r < 0) {
                facts_done(&f);
                return r;
        }
        has_state = state_read(arg_state_dir, &st) >= 0;
        has_check = last_check_read(arg_state_dir, &chk) >= 0;
        back = rolled_back_from(&f);
        if (back)
                why = last_health_failure();
        if (arg_json) {
                json_object *o = json_object_new_object(), *slots = json_object_new_array(), *ukis = json_object_new_array();
                json_object_object_add(o, "disk", json_object_new_string(f.disk));
                json_object_object_add(o, "booted_slot", f.booted >= 0 ? json_object_new_string(f.slots[f.booted].name) : NULL);
                json_object_object_add(o, "loader_entry_selected", selected ? json_object_new_string(selected) : NULL);
                for (size_t i = 0; i < f.n_slots; i++) {
                        json_object *s = json_object_new_object();
                        const Uki *u = f.slots[i].state == SLOT_READY ? facts_uki_for(&f, f.slots[i].usrhash) : NULL;
                        json_object_object_add(s, "name", json_object_new_string(f.slots[i].name));
                        json_object_object_add(s, "state", json_object_new_string(slot_state_to_string(f.slots[i].state)));
                        json_object_object_add(s, "booted", json_object_new_boolean((int) i == f.booted));
                        if (f.slots[i].state == SLOT_READY) {
                                hexmem(f.slots[i].usrhash, 32, hex);
                                json_object_object_add(s, "usrhash", json_object_new_string(hex));
                        }
                        json_object_object_add(s, "version", u ? json_object_new_string(u->version) : NULL);
                        json_object_object_add(s, "uki", u ? json_object_new_string(u->name) : NULL);
                        json_object_array_add(slots, s);
                }
                json_object_object_add(o, "slots", slots);
                for (size_t i = 0; i < f.n_ukis; i++) {
                        json_object *u = json_object_new_object();
                        json_object_object_add(u, "name", json_object_new_string(f.ukis[i].name));
                        json_object_object_add(u, "version", json_object_new_string(f.ukis[i].version));
                        json_object_object_add(u, "tries_left", f.ukis[i].tries_left >= 0 ? json_object_new_int(f.ukis[i].tries_left) : NULL);
                        json_object_object_add(u, "tries_done", f.ukis[i].tries_done >= 0 ? json_object_new_int(f.ukis[i].tries_done) : NULL);
                        if (f.ukis[i].has_usrhash) {
                                hexmem(f.ukis[i].usrhash, 32, hex);
                                json_object_object_add(u, "usrhash", json_object_new_string(hex));
                        }
                        json_object_array_add(ukis, u);
                }
                json_object_object_add(o, "ukis", ukis);
                if (has_state) {
                        json_object *s = json_object_new_object();
                        json_object_object_add(s, "result", json_object_new_string(st.result));
                        json_object_object_add(s, "message", json_object_new_string(st.message));
                        json_object_object_add(s, "version", json_object_new_string(st.version));
                        json_object_object_add(s, "build", json_object_new_int64((int64_t) st.build));
                        json_object_object_add(s, "slot", json_object_new_string(st.slot));
                        json_object_object_add(s, "started", json_object_new_int64(st.started));
                        json_object_object_add(s, "finished", json_object_new_int64(st.finished));
                        json_object_object_add(o, "last_update", s);
                } else
                        json_object_object_add(o, "last_update", NULL);
                if (has_check) {
                        json_object *k = json_object_new_object();
                        json_object_object_add(k, "time", json_object_new_int64(chk.time));
                        json_object_object_add(k, "result", json_object_new_string(chk.result));
                        json_object_object_add(k, "message", json_object_new_string(chk.message));
                        json_object_object_add(o, "last_check", k);
                } else
                        json_object_object_add(o, "last_check", NULL);
                if (back) {
                        json_object *b = json_object_new_object();
                        json_object_object_add(b, "failed_version", json_object_new_string(back->version));
                        json_object_object_add(b, "uki", json_object_new_string(back->name));
                        json_object_object_add(b, "tries_done", json_object_new_int(back->tries_done));
                        json_object_object_add(b, "health_failure", why ? json_object_new_string(why) : NULL);
                        json_object_object_add(o, "rollback", b);
                } else
                        json_object_object_add(o, "rollback", NULL);
                printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
                json_object_put(o);
        } else {
                printf("Disk:          %s\n", f.disk);
                if (selected)
                        printf("Boot entry:    %s\n", selected);
                for (size_t i = 0; i < f.n_slots; i++) {
                        const Uki *u = f.slots[i].state == SLOT_READY ? facts_uki_for(&f, f.slots[i].usrhash) : NULL;
                        if (f.slots[i].state == SLOT_READY)
                                hexmem(f.slots[i].usrhash, 32, hex);
                        printf("Slot %-8s %s%s%s%s%s%s\n", f.slots[i].name, (int) i == f.booted ? "booted, " : "",
                               slot_state_to_string(f.slots[i].state), u ? ", version " : "", u ? u->version : "",
                               u ? ", " : "", u ? u->name : (f.slots[i].state == SLOT_READY ? ", no UKI" : ""));
                }
                for (size_t i = 0; i < f.n_ukis; i++) {
                        if (f.ukis[i].tries_left >= 0)
                                printf("UKI:           %s (%d tries left, %d done)\n", f.ukis[i].name, f.ukis[i].tries_left,
                                       f.ukis[i].tries_done < 0 ? 0 : f.ukis[i].tries_done);
                        else
                                printf("UKI:           %s (good)\n", f.ukis[i].name);
                }
                if (has_state)
                        printf("Last update:   %s, version %s build %" PRIu64 " to slot %s%s%s\n", st.result, st.version,
                               st.build, st.slot, st.message[0] ? ": " : "", st.message);
                else
                        printf("Last update:   none\n");
                if (has_check) {
                        char when[64] = "?";
                        struct tm tm;
                        time_t t = (time_t) chk.time;
                        if (gmtime_r(&t, &tm))
                                strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
                        printf("Last check:    %s, %s%s%s\n", when, chk.result, chk.message[0] ? ": " : "", chk.message);
                }
                if (back) {
                        printf("Rolled back:   version %s used its %d boot %s without passing the health checks; "
                               "it does not boot again unless installed anew\n", back->version, back->tries_done,
                               back->tries_done == 1 ? "try" : "tries");
                        if (why)
                                printf("Health check:  %s (journalctl -u hull-health -b -1 for the whole run)\n", why);
                }
        }
        facts_done(&f);
        return 0;
}

int verb_status(int argc, char *argv[]) {
        int r;

        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? EXIT_USAGE : 0;
        return verb_exit_status(run());
}
