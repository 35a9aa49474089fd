/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --set key=value overrides, one at a time, on top of defaults and files.
 *
 * --set key=value. Lists take comma-separated entries ("capture.rss-fields=
 * ip,tcp"; empty value = empty list), or a YAML flow sequence when an entry
 * holds a comma: capture.interfaces=["net_af_packet0,iface=veth1"].
 * outputs.N.KEY=VALUE (or outputs[N].KEY) edits entry N; N equal to the
 * count appends one; outputs= or outputs=[] empties the list.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <yaml.h>

#include "conf/conf_int.h"

/* value is a YAML flow sequence: ["a,b", c]; setname is the key as given */
static int
set_flow(struct ld *l, void *base, const struct sw_conf_key *k, const char *value,
	 const char *setname, const char *pre)
{
	int rc;

	l->setkey = setname;
	yaml_parser_set_input_string(&l->p, (const unsigned char *)value, strlen(value));
	if ((rc = sw_conf_next(l)) < 0 || (rc = sw_conf_next(l)) < 0 || (rc = sw_conf_next(l)) < 0)
		return rc;
	if (l->ev.type != YAML_SEQUENCE_START_EVENT)
		return sw_conf_fail(l, 0, "%s takes a list: a,b or [\"a,b\", c]", setname);
	if ((rc = sw_conf_read_seq(l, base, k, pre, 0)) < 0)
		return rc;
	if ((rc = sw_conf_next(l)) < 0 || (rc = sw_conf_next(l)) < 0)
		return rc;
	if (l->ev.type != YAML_STREAM_END_EVENT)
		return sw_conf_fail(l, 0, "%s: unexpected text after the closing ']'", setname);
	return 0;
}

/* --set key of base: a scalar, a comma-separated list or a flow list */
static int
set_value(struct ld *l, void *base, const struct sw_conf_key *k, const char *value,
	  const char *setname, const char *pre)
{
	char why[512];

	if (is_list(k) && value[0] == '[')
		return set_flow(l, base, k, value, setname, pre);
	if (sw_conf_set_text(base, k, value, setname, why, sizeof(why)) < 0)
		return sw_conf_fail(l, 0, "%s%s", pre, why);
	return 0;
}

/* "outputs=" or "outputs=[]" empties the list; nothing else is a value */
static int
set_outputs(struct ld *l, const struct sw_conf_key *k, const char *value)
{
	const char *p = value;

	if (*p == '[') {
		p++;
		p += strspn(p, " ");
		p += *p == ']';
	}
	if (*p != '\0' || (value[0] == '[' && p[-1] != ']'))
		return sw_conf_fail(l, 0, "%s is set one key of one entry at a time: "
			    "outputs.N.KEY=VALUE, e.g. outputs.0.type=syslog "
			    "(outputs=[] empties the list)", k->name);
	sw_conf_outputs_clear(&l->tmp);
	return 0;
}

/*
 * outputs.N.KEY=VALUE or outputs[N].KEY=VALUE: key of entry N; N equal to
 * the count appends an entry with the defaults.
 */
static int
set_output(struct ld *l, const char *name, const char *value)
{
	struct sw_conf *c = &l->tmp;
	const char *p = name + strlen("outputs"), *key;
	char pre[64], oldname[64], sh[80], types[64];
	const struct sw_conf_key *k;
	struct sw_output_conf *o;
	unsigned long i = 0;
	size_t nd;
	unsigned bit;
	int brackets = *p == '[', rc;

	p++;
	nd = strspn(p, "0123456789");
	for (size_t j = 0; j < nd && j < 4; j++)
		i = i * 10 + (unsigned long)(p[j] - '0');
	key = p + nd;
	if (brackets)
		key += *key == ']';
	if (nd == 0 || nd > 3 || (brackets && key[-1] != ']') || *key != '.' || key[1] == '\0')
		return sw_conf_fail(l, 0, "'%s' is not a key; an entry's key is outputs.N.KEY, "
			    "e.g. outputs.0.type=syslog", sw_conf_show(name, strlen(name), sh, sizeof(sh)));
	key++;
	if (i > c->n_outputs)
		return sw_conf_fail(l, 0, "%s: there %s %u output%s so far; outputs.%u.KEY=VALUE "
			    "adds the next one", sw_conf_show(name, strlen(name), sh, sizeof(sh)),
			    c->n_outputs == 1 ? "is" : "are", c->n_outputs,
			    c->n_outputs == 1 ? "" : "s", c->n_outputs);
	if (i == c->n_outputs) {
		if (i >= SW_MAX_OUTPUTS)
			return sw_conf_fail(l, 0, "outputs has %d entries already; at most %d are allowed",
				    SW_MAX_OUTPUTS, SW_MAX_OUTPUTS);
		sw_output_conf_defaults(&c->outputs[i]);
		c->n_outputs++;
	}
	o = &c->outputs[i];
	sw_conf_out_pre(o, (unsigned)i, pre, sizeof(pre));
	k = sw_output_key_find(key);
	if (k == NULL)
		return sw_conf_unknown_out(l, 0, o, (unsigned)i, key);
	bit = sw_output_bit(o);
	if (bit != 0 && !(k->types & bit))
		return sw_conf_fail(l, 0, "%s%s applies only to %s outputs", pre, k->name,
			    sw_conf_type_names(k->types, types, sizeof(types)));
	sw_conf_default_name(o, (unsigned)i, oldname, sizeof(oldname));
	rc = set_value(l, o, k, value, name, pre);
	if (rc < 0)
		return rc;
	/* a name filled in for the old type follows the new one */
	if (k == sw_output_key_find("type") && oldname[0] != '\0' &&
	    strcmp(o->name, oldname) == 0)
		memset(o->name, 0, sizeof(o->name));
	sw_conf_fill_name(o, (unsigned)i);
	return 0;
}

int
sw_conf_set(struct sw_conf *c, const char *kv, char *err, size_t errlen)
{
	char name[NAME_MAX_LEN + 1], sh[80];
	const char *eq = strchr(kv, '='), *value;
	const struct sw_conf_key *k, *sec;
	struct ld *l;
	size_t nlen;
	int rc = 0;

	if (eq == NULL || eq == kv) {
		sw_conf_put_err(err, errlen, "--set: '%s' must be key=value, e.g. capture.workers=4",
			sw_conf_show(kv, strlen(kv), sh, sizeof(sh)));
		return -EINVAL;
	}
	nlen = (size_t)(eq - kv);
	value = eq + 1;
	if (nlen >= sizeof(name)) {
		sw_conf_put_err(err, errlen, "--set: unknown key '%s'", sw_conf_show(kv, nlen, sh, sizeof(sh)));
		return -EINVAL;
	}
	memcpy(name, kv, nlen);
	name[nlen] = '\0';

	l = sw_conf_ld_new(c, NULL, err, errlen);
	if (l == NULL)
		return -ENOMEM;
	if (strncmp(name, "outputs", 7) == 0 && (name[7] == '.' || name[7] == '['))
		return sw_conf_ld_end(l, c, set_output(l, name, value));
	k = sw_conf_key_find(name);
	if (k == NULL) {
		sec = sw_conf_section_of(name);
		/* an example with a value reads better than "capture.interfaces=" */
		for (unsigned i = 0; sec != NULL && sec->def[0] == '\0' && i < sw_conf_nkeys; i++)
			if (sw_conf_keys[i].def[0] != '\0' &&
			    strncmp(sw_conf_keys[i].name, name, nlen) == 0 &&
			    sw_conf_keys[i].name[nlen] == '.')
				sec = &sw_conf_keys[i];
		if (sec != NULL)
			rc = sw_conf_fail(l, 0, "%s is a section; set one of its keys, e.g. %s=%s",
				  name, sec->name, sec->def);
		else
			rc = sw_conf_unknown(l, 0, name);
		return sw_conf_ld_end(l, c, rc);
	}
	if (k->type == SW_CONF_OUTPUTS)
		return sw_conf_ld_end(l, c, set_outputs(l, k, value));
	return sw_conf_ld_end(l, c, set_value(l, &l->tmp, k, value, k->name, ""));
}
