/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_OTAB_H
#define SW_OTAB_H

/*
 * A fixed-size open-addressing table (linear probing) for the decision
 * stage's records, with a purge that rebuilds it from the entries worth
 * keeping. Control side only: it allocates. The caller keeps it at most
 * 3/4 full (sw_otab_busy), so a probe always ends at an empty slot.
 *
 * Not rte_hash: a purge here walks the slots in order and the alerts held
 * in them are written in that order (offline output must not depend on a
 * hash library's internals), and rte_hash needs EAL memory, which the unit
 * tests of the decision stage run without.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sw_otab {
	uint8_t *slot;			/* cap entries of esz bytes */
	bool *used;			/* cap flags */
	size_t esz;
	uint32_t cap, n;
	uint32_t (*hash)(const void *e);	/* of a stored entry */
};

/** @return 0 or -ENOMEM */
int sw_otab_init(struct sw_otab *t, uint32_t cap, size_t esz, uint32_t (*hash)(const void *e));
void sw_otab_fini(struct sw_otab *t);

/** At the fill level where the owner should purge (3/4). */
static inline bool
sw_otab_busy(const struct sw_otab *t)
{
	return t->n >= t->cap * 3 / 4;
}

/** Entry i, or NULL when the slot is empty (walks in slot order). */
static inline void *
sw_otab_at(const struct sw_otab *t, uint32_t i)
{
	return t->used[i] ? t->slot + (size_t)i * t->esz : NULL;
}

/**
 * Probe from hash h for the entry eq() says is key's.
 * @return that entry, or NULL with *empty set to the slot where it would go
 */
void *sw_otab_find(const struct sw_otab *t, uint32_t h,
		   bool (*eq)(const void *e, const void *key), const void *key, uint32_t *empty);

/** Take empty slot i (from sw_otab_find): zeroed, counted. */
void *sw_otab_take(struct sw_otab *t, uint32_t i);

/**
 * Rebuild the table with the entries keep() says to keep, in slot order.
 * Out of memory: the table stays as it is.
 */
void sw_otab_purge(struct sw_otab *t, bool (*keep)(const void *e, void *arg), void *arg);

#endif /* SW_OTAB_H */
