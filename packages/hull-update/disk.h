/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PARTITIONS_CONF "/usr/lib/hull/partitions.conf"
#define TYPE_ESP "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"
#define TYPE_USR "8484680c-9521-48c6-9c11-b0720656f69e"
#define TYPE_USR_VERITY "77ff5f63-e7b6-4633-acf4-1565b864c0e6"
#define DISK_PARTS_MAX 32
#define SLOTS_MAX 4

typedef struct Part {
        size_t partno;
        char name[72];      /* GPT partition name */
        char type[37];      /* lower-case type GUID */
        char uuid[37];      /* lower-case PARTUUID */
        uint64_t offset;    /* bytes */
        uint64_t size;
} Part;

typedef struct Disk {
        Part parts[DISK_PARTS_MAX];
        size_t n_parts;
} Disk;

typedef enum SlotState {
        SLOT_EMPTY,    /* never written (UUIDs that are no root hash of ours) or unknown */
        SLOT_PENDING,  /* being written: UUIDs no UKI can ask for */
        SLOT_READY,    /* UUIDs derived from a root hash */
} SlotState;

typedef struct Slot {
        char name[16];          /* "a", "b" */
        const Part *data, *hash;
        SlotState state;
        uint8_t usrhash[32];    /* valid when SLOT_READY: the UUIDs read back as a root hash */
} Slot;

/* Layout file (partitions.conf): the usr-X / usr-X-verity pairs in file order, and the ESP's
 * name. Each line "name type-uuid size label"; returns the number of slots. */
typedef struct Layout {
        char slot[SLOTS_MAX][16];
        char data_label[SLOTS_MAX][72], hash_label[SLOTS_MAX][72];
        size_t n_slots;
        char esp_label[72];
} Layout;
int layout_parse(const char *text, Layout *ret);
int layout_load(const char *path, Layout *ret);

/* The GPT of a disk or disk image file. */
int disk_read(const char *path, Disk *ret);
/* Sets the PARTUUIDs of two partitions in one write of the partition table, then fsyncs. */
int disk_set_uuids(const char *path, size_t partno_a, const char *uuid_a, size_t partno_b, const char *uuid_b);

const Part *disk_find(const Disk *d, const char *name, const char *type);

/* The slots of a disk per the layout; -ENXIO if a partition of the layout is missing. */
int slots_find(const Layout *l, const Disk *d, Slot ret[SLOTS_MAX], size_t *ret_n);

/* PARTUUIDs for a root hash (as systemd derives them: the first and last 128 bits as
 * 8-4-4-4-12 hex) and the pending UUIDs of a slot (derived from its name, never a root hash
 * of an image: SHA-256 of "hull-update:pending:<label>"). */
void uuid_from_hash(const uint8_t h[32], char ret_data[37], char ret_hash[37]);
void uuid_pending(const char *label, char ret[37]);
bool uuid_parse_hex(const char *uuid, uint8_t ret[16]);

/* Index of the slot with this root hash, or -ENOENT. */
int slot_by_hash(const Slot *slots, size_t n, const uint8_t h[32]);
const char *slot_state_to_string(SlotState s);

/* usrhash= of a kernel command line; -ENOENT if none. */
int cmdline_usrhash(const char *cmdline, uint8_t ret[32]);
