/* SPDX-License-Identifier: Apache-2.0 */
#include "test.h"
#include "kube/crd.h"
#include "kube/validate.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/yaml.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "crd_testjson.h"

/* A minimal CRD around one version schema (JSON text). */
static cf_node *mk_crd(cf_arena *a, const char *schema)
{
	cf_node *crd = J(a, "{\"apiVersion\":\"apiextensions.k8s.io/v1\","
	    "\"kind\":\"CustomResourceDefinition\","
	    "\"metadata\":{\"name\":\"widgets.example.com\"},"
	    "\"spec\":{\"group\":\"example.com\",\"scope\":\"Namespaced\","
	    "\"names\":{\"plural\":\"widgets\",\"singular\":\"widget\","
	    "\"kind\":\"Widget\",\"listKind\":\"WidgetList\","
	    "\"shortNames\":[\"wd\"]},"
	    "\"versions\":[{\"name\":\"v1\",\"served\":true,\"storage\":true}]}}");
	cf_node *v = cf_node_at(cf_node_getp(crd, "spec", "versions", NULL), 0);

	cf_node_set(a, cf_node_set_map(a, v, "schema"), "openAPIV3Schema",
	    J(a, schema));
	return crd;
}

static const char *ok_schema =
    "{\"type\":\"object\",\"properties\":{"
    "\"spec\":{\"type\":\"object\",\"required\":[\"url\"],\"properties\":{"
    "  \"url\":{\"type\":\"string\",\"pattern\":\"^(http|https|ssh)://\"},"
    "  \"replicas\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":10},"
    "  \"mode\":{\"type\":\"string\",\"enum\":[\"a\",\"b\"]},"
    "  \"name\":{\"type\":\"string\",\"maxLength\":3,\"minLength\":1},"
    "  \"suspend\":{\"type\":\"boolean\",\"default\":false},"
    "  \"port\":{\"x-kubernetes-int-or-string\":true},"
    "  \"when\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "  \"opt\":{\"type\":\"string\",\"nullable\":true},"
    "  \"tags\":{\"type\":\"array\",\"maxItems\":2,\"items\":{\"type\":\"string\"},"
    "    \"x-kubernetes-list-type\":\"set\"},"
    "  \"ports\":{\"type\":\"array\",\"x-kubernetes-list-type\":\"map\","
    "    \"x-kubernetes-list-map-keys\":[\"name\"],\"items\":{\"type\":\"object\","
    "    \"required\":[\"name\"],\"properties\":{\"name\":{\"type\":\"string\"},"
    "    \"port\":{\"type\":\"integer\"},"
    "    \"protocol\":{\"type\":\"string\",\"default\":\"TCP\"}}}},"
    "  \"labels\":{\"type\":\"object\",\"additionalProperties\":"
    "    {\"type\":\"string\",\"maxLength\":5}},"
    "  \"values\":{\"type\":\"object\",\"x-kubernetes-preserve-unknown-fields\":true},"
    "  \"tmpl\":{\"type\":\"object\",\"x-kubernetes-embedded-resource\":true,"
    "    \"properties\":{\"spec\":{\"type\":\"object\"}}},"
    "  \"ref\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},"
    "    \"b\":{\"type\":\"string\"}},\"oneOf\":[{\"required\":[\"a\"]},"
    "    {\"required\":[\"b\"]}]}"
    "}},"
    "\"status\":{\"type\":\"object\",\"default\":{\"observedGeneration\":-1},"
    "  \"properties\":{\"observedGeneration\":{\"type\":\"integer\"}}}"
    "}}";

/* The messages of all causes, one per line, for whole-list comparisons. */
static const char *all_causes(cf_crd_causes *c)
{
	cf_buf b = CF_BUF_INIT;
	char *s;

	for (size_t i = 0; i < c->len; i++)
		cf_buf_addf(&b, "%s|%s\n", c->v[i].reason,
		    cf_crd_cause_str(c, i));
	s = cf_arena_strdup(c->arena, b.buf);
	cf_buf_release(&b);
	return s;
}

static bool has_cause(cf_crd_causes *c, const char *reason, const char *text)
{
	for (size_t i = 0; i < c->len; i++)
		if (!strcmp(c->v[i].reason, reason) &&
		    !strcmp(cf_crd_cause_str(c, i), text))
			return true;
	return false;
}

#define CHECK_CAUSE(c, reason, text)                                        \
	do {                                                                \
		if (!has_cause((c), (reason), (text))) {                    \
			cf_test_fail(__FILE__, __LINE__, "missing cause %s|%s; " \
			    "have:\n%s", (reason), (text), all_causes(c));  \
			return;                                             \
		}                                                           \
	} while (0)

TEST(test_kube_crd__valid_crd_passes)
{
	cf_arena a = CF_ARENA_INIT;
	cf_crd_causes c = CF_CRD_CAUSES_INIT(&a);
	cf_node *crd = mk_crd(&a, ok_schema);

	if (cf_crd_validate(&c, crd, NULL) != 0)
		cf_test_fail(__FILE__, __LINE__, "%s", all_causes(&c));
	CHECK_INT(c.len, 0);
	cf_arena_release(&a);
}

TEST(test_kube_crd__names_and_versions)
{
	cf_arena a = CF_ARENA_INIT;
	cf_crd_causes c = CF_CRD_CAUSES_INIT(&a);
	cf_node *crd = mk_crd(&a, "{\"type\":\"object\"}");
	cf_node *names = cf_node_getp(crd, "spec", "names", NULL);
	cf_node *vs = cf_node_getp(crd, "spec", "versions", NULL);
	cf_node *v2 = J(&a, "{\"name\":\"v2\",\"served\":false,\"storage\":true,"
	    "\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\"}}}");

	cf_node_set(&a, names, "plural", cf_node_str(&a, "Widgets"));
	cf_node_set(&a, names, "listKind", cf_node_str(&a, "Widget"));
	cf_node_set(&a, cf_node_get(crd, "spec"), "scope", cf_node_str(&a, "Global"));
	cf_node_push(&a, vs, v2);
	CHECK_INT(cf_crd_validate(&c, crd, NULL), CF_EINVALID);
	CHECK_CAUSE(&c, "FieldValueInvalid", "metadata.name: Invalid value: "
	    "\"widgets.example.com\": must be spec.names.plural+\".\"+spec.group");
	CHECK_CAUSE(&c, "FieldValueInvalid", "spec.names.plural: Invalid value: "
	    "\"Widgets\": a DNS-1035 label must consist of lower case alphanumeric "
	    "characters or '-', start with an alphabetic character, and end with "
	    "an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used "
	    "for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
	CHECK_CAUSE(&c, "FieldValueInvalid", "spec.names.listKind: Invalid value: "
	    "\"Widget\": kind and listKind may not be the same");
	CHECK_CAUSE(&c, "FieldValueNotSupported", "spec.scope: Unsupported "
	    "value: \"Global\": supported values: \"Cluster\", \"Namespaced\"");
	CHECK(strstr(all_causes(&c), "spec.versions: Invalid value: [{") != NULL);
	CHECK(strstr(all_causes(&c), "must have exactly one version marked as "
	    "storage version") != NULL);
	CHECK_STR(cf_error_msg(), "metadata.name: Invalid value: "
	    "\"widgets.example.com\": must be spec.names.plural+\".\"+spec.group");

	/* Update: group and scope are immutable. */
	cf_crd_causes u = CF_CRD_CAUSES_INIT(&a);
	cf_node *old = mk_crd(&a, "{\"type\":\"object\"}");
	cf_node *upd = mk_crd(&a, "{\"type\":\"object\"}");

	cf_node_set(&a, cf_node_get(upd, "spec"), "scope",
	    cf_node_str(&a, "Cluster"));
	CHECK_INT(cf_crd_validate(&u, upd, old), CF_EINVALID);
	CHECK_CAUSE(&u, "FieldValueInvalid", "spec.scope: Invalid value: "
	    "\"Cluster\": field is immutable");

	/* A former storage version cannot leave spec.versions. */
	cf_crd_causes sv = CF_CRD_CAUSES_INIT(&a);
	cf_node_set(&a, cf_node_set_map(&a, old, "status"), "storedVersions",
	    J(&a, "[\"v1beta1\",\"v1\"]"));
	cf_node_set(&a, upd, "status", cf_node_get(old, "status"));
	cf_node_set(&a, cf_node_get(upd, "spec"), "scope",
	    cf_node_str(&a, "Namespaced"));
	CHECK_INT(cf_crd_validate(&sv, upd, old), CF_EINVALID);
	CHECK_INT(sv.len, 1);
	CHECK_CAUSE(&sv, "FieldValueInvalid", "status.storedVersions[0]: Invalid "
	    "value: \"v1beta1\": missing from spec.versions; v1beta1 was "
	    "previously a storage version, and must remain in spec.versions "
	    "until a storage migration ensures no data remains persisted in "
	    "v1beta1 and removes v1beta1 from status.storedVersions");
	cf_arena_release(&a);
}

TEST(test_kube_crd__structural_schema_rules)
{
	cf_arena a = CF_ARENA_INIT;
	cf_crd_causes c = CF_CRD_CAUSES_INIT(&a);
	cf_node *crd = mk_crd(&a, "{\"type\":\"object\",\"properties\":{"
	    "\"metadata\":{\"type\":\"object\",\"properties\":{"
	    "  \"labels\":{\"type\":\"object\"}}},"
	    "\"spec\":{\"type\":\"object\",\"properties\":{"
	    "  \"notype\":{\"description\":\"x\"},"
	    "  \"mixed\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":"
	    "\"string\"}},\"additionalProperties\":{\"type\":\"string\"}},"
	    "  \"list\":{\"type\":\"array\",\"x-kubernetes-list-type\":\"map\","
	    "    \"x-kubernetes-list-map-keys\":[\"k\"],\"items\":{\"type\":"
	    "\"object\",\"properties\":{\"k\":{\"type\":\"string\"}}}},"
	    "  \"arr\":{\"type\":\"array\"},"
	    "  \"re\":{\"type\":\"string\",\"pattern\":\"([a-z\"},"
	    "  \"any\":{\"type\":\"string\",\"anyOf\":[{\"type\":\"string\"}]},"
	    "  \"ios\":{\"x-kubernetes-int-or-string\":true},"
	    "  \"keep\":{\"x-kubernetes-preserve-unknown-fields\":true},"
	    "  \"bad\":{\"type\":\"strin\"},"
	    "  \"mt\":{\"type\":\"string\",\"x-kubernetes-map-type\":\"atomic\"},"
	    "  \"cel\":{\"type\":\"object\",\"x-kubernetes-validations\":["
	    "    {\"rule\":\"self.a > 0\",\"message\":\"\"}]}"
	    "}}}}");
	const char *p = "spec.versions[0].schema.openAPIV3Schema";

	CHECK_INT(cf_crd_validate(&c, crd, NULL), CF_EINVALID);
	CHECK_CAUSE(&c, "FieldValueForbidden", cf_arena_printf(&a,
	    "%s.properties[metadata]: Forbidden: must not specify anything other "
	    "than name and generateName, but metadata is implicitly specified", p));
	CHECK_CAUSE(&c, "FieldValueRequired", cf_arena_printf(&a,
	    "%s.properties[spec].properties[notype].type: Required value: must "
	    "not be empty for specified object fields", p));
	CHECK_CAUSE(&c, "FieldValueForbidden", cf_arena_printf(&a,
	    "%s.properties[spec].properties[mixed].additionalProperties: "
	    "Forbidden: additionalProperties and properties are mutual "
	    "exclusive", p));
	CHECK_CAUSE(&c, "FieldValueRequired", cf_arena_printf(&a,
	    "%s.properties[spec].properties[list].items.properties[k].default: "
	    "Required value: this property is in x-kubernetes-list-map-keys, so "
	    "it must have a default or be a required property", p));
	CHECK_CAUSE(&c, "FieldValueRequired", cf_arena_printf(&a,
	    "%s.properties[spec].properties[arr].items: Required value: must be "
	    "specified", p));
	CHECK_CAUSE(&c, "FieldValueForbidden", cf_arena_printf(&a,
	    "%s.properties[spec].properties[any].anyOf[0].type: Forbidden: must "
	    "be empty to be structural", p));
	CHECK_CAUSE(&c, "FieldValueNotSupported", cf_arena_printf(&a,
	    "%s.properties[spec].properties[bad].type: Unsupported value: "
	    "\"strin\": supported values: \"array\", \"boolean\", \"integer\", "
	    "\"number\", \"object\", \"string\"", p));
	CHECK(strstr(all_causes(&c), "properties[re].pattern: Invalid value: "
	    "\"([a-z\": must be a valid regular expression, but isn't: ") != NULL);
	/* int-or-string and preserve-unknown-fields nodes need no type. */
	CHECK(strstr(all_causes(&c), "properties[ios].type") == NULL);
	CHECK(strstr(all_causes(&c), "properties[keep].type") == NULL);
	CHECK_CAUSE(&c, "FieldValueInvalid", cf_arena_printf(&a,
	    "%s.properties[spec].properties[mt].type: Invalid value: \"string\": "
	    "must be object if x-kubernetes-map-type is specified", p));
	CHECK_CAUSE(&c, "FieldValueInvalid", cf_arena_printf(&a,
	    "%s.properties[spec].properties[cel].x-kubernetes-validations[0]."
	    "message: Invalid value: \"\": must be non-empty if specified", p));
	CHECK_INT(c.len, 10);
	cf_arena_release(&a);
}

TEST(test_kube_crd__defaults_are_validated)
{
	cf_arena a = CF_ARENA_INIT;
	cf_crd_causes c = CF_CRD_CAUSES_INIT(&a);
	cf_node *crd = mk_crd(&a, "{\"type\":\"object\",\"properties\":{"
	    "\"spec\":{\"type\":\"object\",\"properties\":{"
	    "\"n\":{\"type\":\"integer\",\"default\":\"x\"}}}}}");

	CHECK_INT(cf_crd_validate(&c, crd, NULL), CF_EINVALID);
	CHECK_INT(c.len, 1);
	CHECK_CAUSE(&c, "FieldValueTypeInvalid", "spec.versions[0].schema."
	    "openAPIV3Schema.properties[spec].properties[n].default: Invalid "
	    "value: \"string\": spec.versions[0].schema.openAPIV3Schema."
	    "properties[spec].properties[n].default in body must be of type "
	    "integer: \"string\"");

	/* Defaults must not carry fields their schema would prune. */
	cf_crd_causes u = CF_CRD_CAUSES_INIT(&a);
	crd = mk_crd(&a, "{\"type\":\"object\",\"properties\":{"
	    "\"status\":{\"type\":\"object\",\"default\":{\"observedGeneration\":"
	    "-1,\"extra\":1},\"properties\":{\"observedGeneration\":{\"type\":"
	    "\"integer\"}}}}}");
	CHECK_INT(cf_crd_validate(&u, crd, NULL), CF_EINVALID);
	CHECK_INT(u.len, 1);
	CHECK_CAUSE(&u, "FieldValueInvalid", "spec.versions[0].schema."
	    "openAPIV3Schema.properties[status].default: Invalid value: "
	    "{\"extra\":1,\"observedGeneration\":-1}: must not have unknown "
	    "fields");
	cf_arena_release(&a);
}

static cf_node *mk_named(cf_arena *a, const char *name, const char *plural,
    const char *kind, const char *shortname)
{
	cf_node *c = J(a, "{\"metadata\":{},\"spec\":{\"group\":\"example.com\","
	    "\"names\":{}},\"status\":{\"acceptedNames\":{}}}");
	cf_node *n = cf_node_getp(c, "spec", "names", NULL);

	cf_node_set(a, cf_node_get(c, "metadata"), "name",
	    cf_node_str(a, name));
	cf_node_set(a, n, "plural", cf_node_str(a, plural));
	cf_node_set(a, n, "singular", cf_node_strn(a, plural, strlen(plural) - 1));
	cf_node_set(a, n, "kind", cf_node_str(a, kind));
	cf_node_set(a, n, "listKind", cf_node_str(a, cf_arena_printf(a, "%sList",
	    kind)));
	if (shortname) {
		cf_node *sn = cf_node_seq(a);

		cf_node_push(a, sn, cf_node_str(a, shortname));
		cf_node_set(a, n, "shortNames", sn);
	}
	return c;
}

TEST(test_kube_crd__naming_conflicts)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *other = mk_named(&a, "gadgets.example.com", "gadgets", "Gadget",
	    "wd");
	cf_node *other_group = mk_named(&a, "widgets.other.io", "widgets",
	    "Widget", NULL);
	cf_node *crd = mk_named(&a, "widgets.example.com", "widgets", "Widget",
	    "wd");
	const cf_node *others[3];
	cf_crd_naming n;

	/* Others publish what they were accepted with. */
	cf_node_set(&a, cf_node_get(other, "status"), "acceptedNames",
	    cf_node_dup(&a, cf_node_getp(other, "spec", "names", NULL)));
	cf_node_set(&a, cf_node_get(other_group, "status"), "acceptedNames",
	    cf_node_dup(&a, cf_node_getp(other_group, "spec", "names", NULL)));
	cf_node_set(&a, cf_node_getp(other_group, "spec", NULL), "group",
	    cf_node_str(&a, "other.io"));
	others[0] = other;
	others[1] = other_group;
	others[2] = crd; /* itself: skipped */

	cf_crd_naming_compute(&n, &a, crd, others, 3);
	CHECK_STR(n.names_accepted.status, "False");
	CHECK_STR(n.names_accepted.reason, "ShortNamesConflict");
	CHECK_STR(n.names_accepted.message, "\"wd\" is already in use");
	CHECK_STR(n.established.status, "False");
	CHECK_STR(n.established.reason, "NotAccepted");
	CHECK_STR(cf_node_getp_str(n.accepted_names, "plural", NULL), "widgets");
	CHECK(cf_node_get(n.accepted_names, "shortNames") == NULL);

	/* Kind and listKind clash with another CRD of the group: the last
	 * conflict checked names the reason, as upstream. */
	cf_node *k = mk_named(&a, "things.example.com", "things", "Gadget", NULL);
	cf_crd_naming_compute(&n, &a, k, others, 2);
	CHECK_STR(n.names_accepted.reason, "ListKindConflict");
	CHECK_STR(n.names_accepted.message, "\"GadgetList\" is already in use");
	CHECK(cf_node_getp_str(n.accepted_names, "kind", NULL) == NULL);
	CHECK_STR(cf_node_getp_str(n.accepted_names, "plural", NULL), "things");
	/* Once established, a later conflict does not un-establish. */
	cf_node_set(&a, cf_node_get(k, "status"), "conditions", J(&a,
	    "[{\"type\":\"Established\",\"status\":\"True\"}]"));
	cf_crd_naming_compute(&n, &a, k, others, 2);
	CHECK_STR(n.names_accepted.status, "False");
	CHECK_STR(n.established.status, "True");

	/* No conflict: accepted and established at once. */
	cf_node *free_crd = mk_named(&a, "widgets.example.com", "widgets",
	    "Widget", "wg");
	cf_crd_naming_compute(&n, &a, free_crd, others, 2);
	CHECK_STR(n.names_accepted.status, "True");
	CHECK_STR(n.names_accepted.reason, "NoConflicts");
	CHECK_STR(n.names_accepted.message, "no conflicts found");
	CHECK_STR(n.established.status, "True");
	CHECK_STR(n.established.reason, "InitialNamesAccepted");
	CHECK_STR(cf_node_getp_str(n.accepted_names, "listKind", NULL),
	    "WidgetList");
	CHECK_STR(cf_node_as_str(cf_node_at(cf_node_get(n.accepted_names,
	    "shortNames"), 0)), "wg");

	/* The status the server stores: conditions in order, storedVersions. */
	cf_node_set(&a, cf_node_get(free_crd, "spec"), "versions", J(&a,
	    "[{\"name\":\"v1\",\"served\":true,\"storage\":true}]"));
	cf_node *st = cf_crd_status_build(&a, free_crd, &n, "2026-01-02T03:04:05Z");
	const cf_node *conds = cf_node_get(st, "conditions");
	CHECK_INT(cf_node_count(conds), 2);
	CHECK_STR(cf_node_getp_str(cf_node_at(conds, 0), "type", NULL),
	    "NamesAccepted");
	CHECK_STR(cf_node_getp_str(cf_node_at(conds, 1), "reason", NULL),
	    "InitialNamesAccepted");
	CHECK_STR(cf_node_getp_str(cf_node_at(conds, 1), "lastTransitionTime",
	    NULL), "2026-01-02T03:04:05Z");
	CHECK_STR(cf_node_as_str(cf_node_at(cf_node_get(st, "storedVersions"),
	    0)), "v1");
	CHECK_STR(cf_node_getp_str(st, "acceptedNames", "kind", NULL), "Widget");
	/* Recomputed later with the same outcome: times and lists unchanged. */
	cf_node_set(&a, free_crd, "status", st);
	st = cf_crd_status_build(&a, free_crd, &n, "2026-02-02T00:00:00Z");
	CHECK_INT(cf_node_count(cf_node_get(st, "conditions")), 2);
	CHECK_STR(cf_node_getp_str(cf_node_at(cf_node_get(st, "conditions"), 0),
	    "lastTransitionTime", NULL), "2026-01-02T03:04:05Z");
	CHECK_INT(cf_node_count(cf_node_get(st, "storedVersions")), 1);
	cf_arena_release(&a);
}

static cf_crd_schema *compile_ok(const char *text, cf_arena *a)
{
	cf_crd_schema *s = NULL;

	if (cf_crd_schema_compile(&s, J(a, text)) != 0)
		return NULL;
	return s;
}

TEST(test_kube_crd__prune_unknown_fields)
{
	cf_arena a = CF_ARENA_INIT;
	cf_crd_schema *s = compile_ok(ok_schema, &a);
	cf_crd_strs unk = CF_CRD_STRS_INIT(&a);
	cf_node *o = J(&a, "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\","
	    "\"metadata\":{\"name\":\"w\",\"bogus\":1,\"labels\":{\"a\":\"b\"}},"
	    "\"top\":1,"
	    "\"spec\":{\"url\":\"http://x\",\"foo\":2,"
	    "  \"ports\":[{\"name\":\"a\",\"extra\":true}],"
	    "  \"labels\":{\"k\":\"v\"},"
	    "  \"values\":{\"any\":{\"deep\":[1,2]}},"
	    "  \"tmpl\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":"
	    "    {\"name\":\"p\",\"junk\":1},\"spec\":{\"x\":1},\"other\":1}}}");

	CHECK(s != NULL);
	cf_crd_schema_prune(s, &a, o, &unk);
	CHECK_INT(unk.len, 7);
	CHECK_STR(unk.v[0], "metadata.bogus");
	CHECK_STR(unk.v[1], "top");
	CHECK_STR(unk.v[2], "spec.foo");
	CHECK_STR(unk.v[3], "spec.ports[0].extra");
	CHECK_STR(unk.v[4], "spec.tmpl.metadata.junk");
	CHECK_STR(unk.v[5], "spec.tmpl.spec.x");
	CHECK_STR(unk.v[6], "spec.tmpl.other");
	CHECK(cf_node_get(o, "top") == NULL);
	CHECK(cf_node_getp(o, "spec", "foo", NULL) == NULL);
	CHECK_STR(cf_node_getp_str(o, "metadata", "labels", "a", NULL), "b");
	CHECK_STR(cf_node_getp_str(o, "spec", "labels", "k", NULL), "v");
	CHECK_INT(cf_node_count(cf_node_getp(o, "spec", "values", "any", "deep",
	    NULL)), 2);
	CHECK_STR(cf_node_getp_str(o, "spec", "tmpl", "kind", NULL), "Pod");
	/* An object schema without properties keeps nothing. */
	CHECK(cf_node_getp(o, "spec", "tmpl", "spec", "x", NULL) == NULL);
	CHECK_STR(cf_node_getp_str(o, "apiVersion", NULL), "example.com/v1");
	cf_crd_schema_free(s);
	cf_arena_release(&a);
}

TEST(test_kube_crd__decode_modes)
{
	cf_arena a = CF_ARENA_INIT;
	cf_crd_schema *s = compile_ok(ok_schema, &a);
	const char *body = "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\","
	    "\"metadata\":{\"name\":\"w\"},\"spec\":{\"url\":\"http://x\","
	    "\"foo\":1,\"ports\":[{\"name\":\"a\",\"bar\":2}]}}";
	cf_crd_strs warn = CF_CRD_STRS_INIT(&a);
	cf_node *o = J(&a, body);

	CHECK_INT(cf_crd_schema_decode(s, &a, o, CF_CRD_SCHEMA_STRICT, NULL), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "strict decoding error: unknown field "
	    "\"spec.foo\", unknown field \"spec.ports[0].bar\"");

	o = J(&a, body);
	CHECK_INT(cf_crd_schema_decode(s, &a, o, CF_CRD_SCHEMA_WARN, &warn), 0);
	CHECK_INT(warn.len, 2);
	CHECK_STR(warn.v[0], "unknown field \"spec.foo\"");
	/* Defaults were applied after pruning. */
	CHECK_STR(cf_node_getp_str(cf_node_at(cf_node_getp(o, "spec", "ports",
	    NULL), 0), "protocol", NULL), "TCP");

	o = J(&a, body);
	CHECK_INT(cf_crd_schema_decode(s, &a, o, CF_CRD_SCHEMA_IGNORE, &warn), 0);
	CHECK_INT(warn.len, 2);
	CHECK(cf_node_getp(o, "spec", "foo", NULL) == NULL);
	cf_crd_schema_free(s);
	cf_arena_release(&a);
}

TEST(test_kube_crd__defaulting)
{
	cf_arena a = CF_ARENA_INIT;
	cf_crd_schema *s = compile_ok(ok_schema, &a);
	cf_node *o = J(&a, "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\","
	    "\"metadata\":{\"name\":\"w\"},\"spec\":{\"url\":\"http://x\","
	    "\"suspend\":null,\"opt\":null}}");
	int64_t gen = 0;

	CHECK(s != NULL);
	cf_crd_schema_default(s, &a, o);
	/* The Flux convention: a fresh object reads back with
	 * status.observedGeneration -1. */
	CHECK(cf_node_as_int(cf_node_getp(o, "status", "observedGeneration",
	    NULL), &gen));
	CHECK_INT(gen, -1);
	/* null in a non-nullable field is dropped, then defaulted. */
	CHECK(cf_node_is(cf_node_getp(o, "spec", "suspend", NULL), CF_NODE_BOOL));
	CHECK(!cf_node_getp(o, "spec", "suspend", NULL)->v.b);
	/* A nullable null stays. */
	CHECK(cf_node_is(cf_node_getp(o, "spec", "opt", NULL), CF_NODE_NULL));
	/* An existing status is not replaced, only completed. */
	cf_node *o2 = J(&a, "{\"status\":{}}");
	cf_crd_schema_default(s, &a, o2);
	CHECK(cf_node_get(o2, "spec") == NULL); /* no parent, no default */
	CHECK(cf_node_getp(o2, "status", "observedGeneration", NULL) == NULL);
	/* A default is a copy, not shared with the schema. */
	cf_node *o3 = J(&a, "{}");
	cf_crd_schema_default(s, &a, o3);
	cf_node_set(&a, cf_node_get(o3, "status"), "observedGeneration",
	    cf_node_int(&a, 5));
	cf_node *o4 = J(&a, "{}");
	cf_crd_schema_default(s, &a, o4);
	CHECK(cf_node_as_int(cf_node_getp(o4, "status", "observedGeneration",
	    NULL), &gen));
	CHECK_INT(gen, -1);
	cf_crd_schema_free(s);
	cf_arena_release(&a);
}

static cf_crd_causes *validate(cf_arena *a, cf_crd_schema *s, const char *spec)
{
	cf_crd_causes *c = CF_ARENA_NEW(a, cf_crd_causes);
	cf_node *o = J(a, "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\","
	    "\"metadata\":{\"name\":\"w\"}}");

	c->arena = a;
	cf_node_set(a, o, "spec", J(a, spec));
	cf_crd_schema_validate(s, o, c);
	return c;
}

TEST(test_kube_crd__validation_messages)
{
	cf_arena a = CF_ARENA_INIT;
	cf_crd_schema *s = compile_ok(ok_schema, &a);
	cf_crd_causes *c;

	CHECK(s != NULL);
	c = validate(&a, s, "{\"url\":\"https://x\",\"ref\":{\"a\":\"1\"}}");
	if (c->len)
		cf_test_fail(__FILE__, __LINE__, "%s", all_causes(c));
	CHECK_INT(c->len, 0);

	c = validate(&a, s, "{\"replicas\":\"string\"}");
	CHECK_CAUSE(c, "FieldValueRequired", "spec.url: Required value");
	CHECK_CAUSE(c, "FieldValueTypeInvalid", "spec.replicas: Invalid value: "
	    "\"string\": spec.replicas in body must be of type integer: "
	    "\"string\"");
	CHECK_INT(c->len, 2);

	c = validate(&a, s, "{\"url\":\"git@host:x\",\"replicas\":11,"
	    "\"mode\":\"x\",\"name\":\"h\xc3\xa9h\xc3\xa9\",\"tags\":[\"a\",\"b\","
	    "\"a\"],\"when\":\"yesterday\",\"port\":1.5,"
	    "\"ports\":[{\"name\":\"a\"},{\"name\":\"a\",\"port\":1}],"
	    "\"labels\":{\"k\":\"toolong\"},\"ref\":{\"a\":\"1\",\"b\":\"2\"}}");
	CHECK_CAUSE(c, "FieldValueInvalid", "spec.url: Invalid value: "
	    "\"git@host:x\": spec.url in body should match '^(http|https|ssh)://'");
	CHECK_CAUSE(c, "FieldValueInvalid", "spec.replicas: Invalid value: 11: "
	    "spec.replicas in body should be less than or equal to 10");
	CHECK_CAUSE(c, "FieldValueNotSupported", "spec.mode: Unsupported value: "
	    "\"x\": supported values: \"a\", \"b\"");
	CHECK_CAUSE(c, "FieldValueTooLong", "spec.name: Too long: may not be more "
	    "than 3 bytes");
	CHECK_CAUSE(c, "FieldValueTooMany", "spec.tags: Too many: 3: must have at "
	    "most 2 items");
	CHECK_CAUSE(c, "FieldValueDuplicate", "spec.tags[2]: Duplicate value: "
	    "\"a\"");
	CHECK_CAUSE(c, "FieldValueDuplicate", "spec.ports[1]: Duplicate value: "
	    "{\"name\":\"a\",\"port\":1}");
	CHECK_CAUSE(c, "FieldValueTypeInvalid", "spec.when: Invalid value: "
	    "\"yesterday\": spec.when in body must be of type date-time: "
	    "\"yesterday\"");
	CHECK_CAUSE(c, "FieldValueTypeInvalid", "spec.port: Invalid value: "
	    "\"number\": spec.port in body must be of type integer,string: "
	    "\"number\"");
	CHECK_CAUSE(c, "FieldValueTooLong", "spec.labels.k: Too long: may not be "
	    "more than 5 bytes");
	CHECK_CAUSE(c, "FieldValueInvalid", "spec.ref: Invalid value: \"\": "
	    "\"spec.ref\" must validate one and only one schema (oneOf). Found 2 "
	    "valid alternatives");
	CHECK_INT(c->len, 11);

	/* The same errors through the shared field-error list render the same
	 * text, so the server's 422 Status carries them unchanged. */
	cf_field_errs fe = CF_FIELD_ERRS_INIT;
	cf_crd_causes_to_errs(&a, &fe, c);
	CHECK_INT(fe.len, c->len);
	for (size_t i = 0; i < fe.len; i++)
		CHECK_STR(cf_field_err_string(&a, &fe.items[i]),
		    cf_crd_cause_str(c, i));
	CHECK_STR(cf_field_err_reason(fe.items[0].type), c->v[0].reason);

	/* Runes, not bytes: two 2-byte characters fit maxLength 3. */
	c = validate(&a, s, "{\"url\":\"ssh://x\",\"name\":\"\xc3\xa9\xc3\xa9\","
	    "\"when\":\"2026-01-02T03:04:05.5+01:00\",\"port\":\"80%\","
	    "\"opt\":null,\"ref\":{\"b\":\"x\"},\"replicas\":0}");
	if (c->len)
		cf_test_fail(__FILE__, __LINE__, "%s", all_causes(c));
	CHECK_INT(c->len, 0);

	c = validate(&a, s, "{\"url\":\"ssh://x\",\"name\":\"\",\"replicas\":-1,"
	    "\"suspend\":null,\"ref\":{}}");
	CHECK_CAUSE(c, "FieldValueInvalid", "spec.name: Invalid value: \"\": "
	    "spec.name in body should be at least 1 chars long");
	CHECK_CAUSE(c, "FieldValueInvalid", "spec.replicas: Invalid value: -1: "
	    "spec.replicas in body should be greater than or equal to 0");
	CHECK_CAUSE(c, "FieldValueTypeInvalid", "spec.suspend: Invalid value: "
	    "\"null\": spec.suspend in body must be of type boolean: \"null\"");
	CHECK_CAUSE(c, "FieldValueInvalid", "spec.ref: Invalid value: \"\": "
	    "\"spec.ref\" must validate one and only one schema (oneOf). Found "
	    "none valid");
	/* ...followed by the errors of the closest alternative. */
	CHECK_CAUSE(c, "FieldValueRequired", "spec.ref.a: Required value");
	CHECK_INT(c->len, 5);
	CHECK_STR(cf_error_msg(), "spec.name: Invalid value: \"\": spec.name in "
	    "body should be at least 1 chars long");
	cf_crd_schema_free(s);
	cf_arena_release(&a);
}

TEST(test_kube_crd__ratcheting_updates)
{
	cf_arena a = CF_ARENA_INIT;
	cf_crd_schema *s = compile_ok(ok_schema, &a);
	const char *old_text = "{\"metadata\":{\"name\":\"w\"},\"spec\":{"
	    "\"url\":\"git@old:x\",\"replicas\":50,\"ports\":[{\"name\":"
	    "\"a\",\"port\":\"x\"},{\"name\":\"b\",\"port\":1}]}}";
	cf_node *old = J(&a, old_text);
	cf_crd_causes c = CF_CRD_CAUSES_INIT(&a);

	CHECK(s != NULL);
	/* The stored object breaks today's schema in three places. */
	CHECK_INT(cf_crd_schema_validate(s, old, &c), CF_EINVALID);
	CHECK_INT(c.len, 3);

	/* An update that leaves them alone passes; touching one reports it. */
	c.len = 0;
	cf_node *upd = J(&a, old_text);
	cf_node_set(&a, cf_node_get(upd, "spec"), "mode", cf_node_str(&a, "a"));
	/* Reordered list-map items still correlate by key. */
	cf_node *ports = cf_node_getp(upd, "spec", "ports", NULL);
	cf_node *first = ports->v.items[0];
	ports->v.items[0] = ports->v.items[1];
	ports->v.items[1] = first;
	CHECK_INT(cf_crd_schema_validate_update(s, upd, old, &c), 0);
	cf_node_set(&a, cf_node_get(upd, "spec"), "replicas",
	    cf_node_int(&a, 51));
	CHECK_INT(cf_crd_schema_validate_update(s, upd, old, &c), CF_EINVALID);
	CHECK_INT(c.len, 1);
	CHECK_STR(c.v[0].field, "spec.replicas");
	cf_crd_schema_free(s);
	cf_arena_release(&a);
}

TEST(test_kube_crd__junctors_and_bounds)
{
	cf_arena a = CF_ARENA_INIT;
	cf_crd_schema *s = compile_ok("{\"type\":\"object\",\"properties\":{"
	    "\"spec\":{\"type\":\"object\",\"minProperties\":1,\"maxProperties\":3,"
	    "\"properties\":{"
	    "  \"n\":{\"type\":\"number\",\"minimum\":0.5,\"exclusiveMinimum\":true,"
	    "    \"maximum\":2.5,\"exclusiveMaximum\":true},"
	    "  \"s\":{\"type\":\"string\",\"not\":{\"enum\":[\"no\"]}},"
	    "  \"x\":{\"type\":\"string\",\"anyOf\":[{\"pattern\":\"^a\"},"
	    "    {\"pattern\":\"^b\"}],\"allOf\":[{\"maxLength\":2}]},"
	    "  \"l\":{\"type\":\"array\",\"minItems\":1,\"items\":{\"type\":"
	    "\"integer\"}}"
	    "}}}}", &a);
	cf_crd_causes *c;

	CHECK(s != NULL);
	c = validate(&a, s, "{\"n\":2,\"x\":\"bz\",\"l\":[1]}");
	if (c->len)
		cf_test_fail(__FILE__, __LINE__, "%s", all_causes(c));
	CHECK_INT(c->len, 0);
	c = validate(&a, s, "{\"n\":2.5,\"s\":\"no\",\"x\":\"abc\",\"l\":[]}");
	CHECK_CAUSE(c, "FieldValueTooMany", "spec: Too many: 4: must have at "
	    "most 3 items");
	CHECK_CAUSE(c, "FieldValueInvalid", "spec.n: Invalid value: 2.5: spec.n "
	    "in body should be less than 2.5");
	CHECK_CAUSE(c, "FieldValueInvalid", "spec.s: Invalid value: \"\": "
	    "\"spec.s\" must not validate the schema (not)");
	CHECK_CAUSE(c, "FieldValueTooLong", "spec.x: Too long: may not be more "
	    "than 2 bytes");
	CHECK_CAUSE(c, "FieldValueInvalid", "spec.x: Invalid value: \"\": "
	    "\"spec.x\" must validate all the schemas (allOf). None validated");
	CHECK_CAUSE(c, "FieldValueInvalid", "spec.l: Invalid value: 0: spec.l in "
	    "body should have at least 1 items");
	CHECK_INT(c->len, 6);
	c = validate(&a, s, "{\"n\":0.5,\"x\":\"c\",\"l\":[1.5]}");
	CHECK_CAUSE(c, "FieldValueInvalid", "spec.n: Invalid value: 0.5: spec.n "
	    "in body should be greater than 0.5");
	CHECK_CAUSE(c, "FieldValueInvalid", "spec.x: Invalid value: \"\": "
	    "\"spec.x\" must validate at least one schema (anyOf)");
	CHECK_CAUSE(c, "FieldValueInvalid", "spec.x: Invalid value: \"c\": "
	    "spec.x in body should match '^a'");
	CHECK_CAUSE(c, "FieldValueTypeInvalid", "spec.l[0]: Invalid value: "
	    "\"number\": spec.l[0] in body must be of type integer: \"number\"");
	CHECK_INT(c->len, 4);
	c = validate(&a, s, "{}");
	CHECK_CAUSE(c, "FieldValueInvalid", "spec: Invalid value: 0: spec in body "
	    "should have at least 1 properties");
	cf_crd_schema_free(s);

	/* A CRD may constrain metadata.name; other metadata is not checked
	 * against the schema (metadata.labels is no string here). */
	s = compile_ok("{\"type\":\"object\",\"properties\":{\"metadata\":{"
	    "\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\","
	    "\"maxLength\":3}}},\"spec\":{\"type\":\"object\"}}}", &a);
	CHECK(s != NULL);
	c = validate(&a, s, "{}");
	CHECK_INT(c->len, 0);
	cf_crd_causes mc = CF_CRD_CAUSES_INIT(&a);
	CHECK_INT(cf_crd_schema_validate(s, J(&a, "{\"metadata\":{\"name\":"
	    "\"toolong\",\"labels\":{\"a\":\"b\"}},\"spec\":{}}"), &mc),
	    CF_EINVALID);
	CHECK_INT(mc.len, 1);
	CHECK_CAUSE(&mc, "FieldValueTooLong", "metadata.name: Too long: may not "
	    "be more than 3 bytes");
	cf_crd_schema_free(s);

	/* Embedded resources must name their apiVersion and kind. */
	cf_crd_schema *e = compile_ok(ok_schema, &a);
	c = validate(&a, e, "{\"url\":\"ssh://x\",\"ref\":{\"a\":\"x\"},"
	    "\"tmpl\":{\"kind\":\"Bad_Kind\"}}");
	CHECK_CAUSE(c, "FieldValueRequired", "spec.tmpl.apiVersion: Required "
	    "value");
	CHECK(strstr(all_causes(c), "spec.tmpl.kind: Invalid value: "
	    "\"Bad_Kind\": may have mixed case, but should otherwise match: "
	    "a DNS-1035 label") != NULL);
	CHECK_INT(c->len, 2);
	cf_crd_schema_free(e);

	/* A catastrophic-backtracking pattern ends at the match limit (counted
	 * as no match) instead of hanging the request. */
	cf_crd_schema *slow = compile_ok("{\"type\":\"object\",\"properties\":{"
	    "\"spec\":{\"type\":\"object\",\"properties\":{\"s\":{\"type\":"
	    "\"string\",\"pattern\":\"^(a+)+$\"}}}}}", &a);
	CHECK(slow != NULL);
	c = validate(&a, slow, "{\"s\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\"}");
	CHECK_INT(c->len, 1);
	c = validate(&a, slow, "{\"s\":\"aaaa\"}");
	CHECK_INT(c->len, 0);
	cf_crd_schema_free(slow);

	/* A pattern that does not compile is refused at compile time. */
	cf_crd_schema *bad = NULL;
	CHECK_INT(cf_crd_schema_compile(&bad, J(&a, "{\"type\":\"object\","
	    "\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":\"(\"}}}")),
	    CF_EINVALID);
	CHECK(bad == NULL);
	CHECK(strstr(cf_error_msg(), "openAPIV3Schema.properties[a].pattern") !=
	    NULL);
	cf_arena_release(&a);
}

TEST(test_kube_crd__printer_columns)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *crd = mk_crd(&a, "{\"type\":\"object\"}");
	cf_node *v = cf_node_at(cf_node_getp(crd, "spec", "versions", NULL), 0);
	cf_crd_column *cols;
	size_t n;

	n = cf_crd_columns(&cols, &a, crd, v);
	CHECK_INT(n, 1);
	CHECK_STR(cols[0].name, "Age");
	CHECK_STR(cols[0].type, "date");
	CHECK_STR(cols[0].json_path, ".metadata.creationTimestamp");

	cf_node_set(&a, v, "additionalPrinterColumns", J(&a, "["
	    "{\"name\":\"Ready\",\"type\":\"string\",\"jsonPath\":"
	    "\".status.conditions[?(@.type==\\\"Ready\\\")].status\"},"
	    "{\"name\":\"Last scan\",\"type\":\"date\",\"priority\":1,"
	    "\"jsonPath\":\".status.lastScanResult.scanTime\",\"description\":\"d\"}"
	    "]"));
	n = cf_crd_columns(&cols, &a, crd, v);
	CHECK_INT(n, 2);
	CHECK_STR(cols[0].json_path, ".status.conditions[?(@.type==\"Ready\")].status");
	CHECK_INT(cols[0].priority, 0);
	CHECK_STR(cols[0].format, "");
	CHECK_STR(cols[1].name, "Last scan");
	CHECK_INT(cols[1].priority, 1);
	CHECK_STR(cols[1].description, "d");

	cf_node_set(&a, v, "subresources", J(&a, "{\"scale\":{\"specReplicasPath\":"
	    "\".spec.replicas\",\"statusReplicasPath\":\".status.replicas\"}}"));
	n = cf_crd_scale_columns(&cols, &a, v);
	CHECK_INT(n, 3);
	CHECK_STR(cols[0].name, "Desired");
	CHECK_STR(cols[1].name, "Available");
	CHECK_STR(cols[2].name, "Age");

	/* Column declarations are validated with the CRD. */
	cf_crd_causes c = CF_CRD_CAUSES_INIT(&a);
	cf_node_set(&a, v, "additionalPrinterColumns", J(&a,
	    "[{\"name\":\"X\",\"type\":\"text\",\"format\":\"hex\"},"
	    "{\"name\":\"Y\",\"type\":\"string\",\"jsonPath\":\"spec.y\"}]"));
	CHECK_INT(cf_crd_validate(&c, crd, NULL), CF_EINVALID);
	CHECK_CAUSE(&c, "FieldValueInvalid", "spec.versions[0]."
	    "additionalPrinterColumns[0].type: Invalid value: \"text\": must be "
	    "one of boolean,date,integer,number,string");
	CHECK_CAUSE(&c, "FieldValueRequired", "spec.versions[0]."
	    "additionalPrinterColumns[0].JSONPath: Required value");
	CHECK_CAUSE(&c, "FieldValueInvalid", "spec.versions[0]."
	    "additionalPrinterColumns[1].JSONPath: Invalid value: \"spec.y\": "
	    "must be a simple json path starting with .");
	/* Scale paths must point into spec and status. */
	cf_crd_causes sc = CF_CRD_CAUSES_INIT(&a);
	cf_node_del(v, "additionalPrinterColumns");
	cf_node_set(&a, v, "subresources", J(&a, "{\"scale\":{"
	    "\"specReplicasPath\":\".status.replicas\"}}"));
	CHECK_INT(cf_crd_validate(&sc, crd, NULL), CF_EINVALID);
	CHECK_CAUSE(&sc, "FieldValueInvalid", "spec.versions[0].subresources."
	    "scale.specReplicasPath: Invalid value: \".status.replicas\": should "
	    "be a json path under .spec");
	CHECK_CAUSE(&sc, "FieldValueRequired", "spec.versions[0].subresources."
	    "scale.statusReplicasPath: Required value");
	CHECK_INT(sc.len, 2);
	/* With a status subresource, the root may not use anyOf & co. */
	cf_crd_causes rs = CF_CRD_CAUSES_INIT(&a);
	cf_node_set(&a, v, "subresources", J(&a, "{\"status\":{}}"));
	cf_node_set(&a, cf_node_get(v, "schema"), "openAPIV3Schema", J(&a,
	    "{\"type\":\"object\",\"anyOf\":[{\"required\":[\"spec\"]}]}"));
	CHECK_INT(cf_crd_validate(&rs, crd, NULL), CF_EINVALID);
	CHECK_INT(rs.len, 1);
	CHECK(strstr(cf_crd_cause_str(&rs, 0), "spec.versions[0].schema."
	    "openAPIV3Schema: Invalid value: {\"anyOf\":[{\"required\":"
	    "[\"spec\"]}],\"type\":\"object\"}: only [Description Type") != NULL);
	CHECK(cf_crd_version(crd, "v1") == v);
	CHECK(cf_crd_version(crd, NULL) == v);
	CHECK(cf_crd_version(crd, "v2") == NULL);
	cf_arena_release(&a);
}


/* ---- the Flux CRDs under api/ ---- */

/* The source tree's api/ directory: __FILE__ is relative to the build
 * directory (Meson compiles from there), which is three levels above this
 * test binary. */
static const char *api_dir(cf_arena *a)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *p;

	if (n <= 0)
		return NULL;
	exe[n] = 0;
	for (int i = 0; i < 4 && (p = strrchr(exe, '/')); i++)
		*p = 0;
	if (__FILE__[0] == '/')
		return cf_arena_printf(a, "%s/../../../api", dirname(
		    cf_arena_strdup(a, __FILE__)));
	return cf_arena_printf(a, "%s/%s/../../../api", exe, dirname(
	    cf_arena_strdup(a, __FILE__)));
}

/* Read every document of api/<file> with core/yaml.h, as the server and
 * the CLI will when they install the CRDs. */
static size_t load_crds(cf_arena *a, const char *file, cf_node **out,
    size_t max)
{
	const char *dir = api_dir(a);
	cf_buf text = CF_BUF_INIT;
	cf_node **docs = NULL;
	size_t ndocs = 0, n = 0;

	if (!dir || cf_fs_read(&text, cf_arena_printf(a, "%s/%s", dir, file),
	    1 << 22) < 0) {
		cf_buf_release(&text);
		return 0;
	}
	if (cf_yaml_parse(&docs, &ndocs, a, text.buf, text.len, NULL) == 0)
		for (size_t i = 0; i < ndocs && n < max; i++)
			if (docs[i])
				out[n++] = docs[i];
	cf_buf_release(&text);
	return n;
}

static const char *const api_files[] = {
	"source.toolkit.fluxcd.io.yaml", "kustomize.toolkit.fluxcd.io.yaml",
	"helm.toolkit.fluxcd.io.yaml", "notification.toolkit.fluxcd.io.yaml",
	"image.toolkit.fluxcd.io.yaml",
};

/* All CRDs of api/, validated; *n counts them. */
static cf_node **all_crds(cf_arena *a, size_t *n)
{
	cf_node **v = cf_arena_zalloc(a, 64 * sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < CF_ARRAY_SIZE(api_files); i++)
		*n += load_crds(a, api_files[i], v + *n, 64 - *n);
	return v;
}

static const cf_node *find_crd(cf_node **crds, size_t n, const char *kind)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(cf_node_getp_str(crds[i], "spec", "names", "kind",
		    NULL), kind))
			return crds[i];
	return NULL;
}

TEST(test_kube_crd__flux_crds_are_valid)
{
	cf_arena a = CF_ARENA_INIT;
	size_t n;
	cf_node **crds = all_crds(&a, &n);
	static const char *const kinds[] = { "GitRepository", "OCIRepository",
		"HelmRepository", "HelmChart", "Bucket", "ExternalArtifact",
		"Kustomization", "HelmRelease", "Alert", "Provider", "Receiver",
		"ImageRepository", "ImagePolicy", "ImageUpdateAutomation" };

	CHECK_INT(n, CF_ARRAY_SIZE(kinds));
	for (size_t i = 0; i < CF_ARRAY_SIZE(kinds); i++)
		CHECK(find_crd(crds, n, kinds[i]) != NULL);
	for (size_t i = 0; i < n; i++) {
		cf_crd_causes c = CF_CRD_CAUSES_INIT(&a);
		cf_crd_naming nm;

		if (cf_crd_validate(&c, crds[i], NULL) != 0) {
			cf_test_fail(__FILE__, __LINE__, "%s:\n%s",
			    cf_node_getp_str(crds[i], "metadata", "name", NULL),
			    all_causes(&c));
			return;
		}
		/* Every name is free among the other Flux CRDs. */
		cf_crd_naming_compute(&nm, &a, crds[i], (const cf_node *const *)crds,
		    n);
		CHECK_STR(nm.names_accepted.reason, "NoConflicts");
		cf_node_set(&a, cf_node_set_map(&a, crds[i], "status"),
		    "acceptedNames", nm.accepted_names);
	}
	cf_arena_release(&a);
}

/* Decode (prune, default) and validate a sample object of a Flux kind. */
static cf_node *admit(cf_arena *a, cf_node **crds, size_t n, const char *kind,
    const char *text, cf_crd_causes *c)
{
	const cf_node *crd = find_crd(crds, n, kind);
	cf_crd_schema *s = NULL;
	cf_node *o = J(a, text);

	if (!crd || cf_crd_schema_compile(&s, cf_node_getp(cf_crd_version(crd,
	    NULL), "schema", "openAPIV3Schema", NULL)) != 0)
		return NULL;
	cf_crd_schema_decode(s, a, o, CF_CRD_SCHEMA_STRICT, NULL);
	cf_crd_schema_validate(s, o, c);
	cf_crd_schema_free(s);
	return o;
}

/* admit() that expects no causes; NULL (and a recorded failure) if any. */
static cf_node *admit_ok(cf_arena *a, cf_node **crds, size_t n,
    const char *kind, const char *text, int line)
{
	cf_crd_causes c = CF_CRD_CAUSES_INIT(a);
	cf_node *o = admit(a, crds, n, kind, text, &c);

	if (!o || c.len) {
		cf_test_fail(__FILE__, line, "%s: %s", kind, o ? all_causes(&c) :
		    "no schema");
		return NULL;
	}
	return o;
}

#define ADMIT_OK(kind, text) admit_ok(&a, crds, n, (kind), (text), __LINE__)

static int64_t get_int(const cf_node *o, const char *a1, const char *a2)
{
	int64_t v = 0;

	cf_node_as_int(cf_node_getp(o, a1, a2, NULL), &v);
	return v;
}

TEST(test_kube_crd__flux_samples_default_and_validate)
{
	cf_arena a = CF_ARENA_INIT;
	size_t n;
	cf_node **crds = all_crds(&a, &n);
	cf_node *o;

	CHECK(n > 0);
	o = ADMIT_OK("GitRepository", "{\"apiVersion\":\"source.toolkit.fluxcd.io"
	    "/v1\",\"kind\":\"GitRepository\",\"metadata\":{\"name\":\"podinfo\"},"
	    "\"spec\":{\"url\":\"https://github.com/stefanprodan/podinfo\","
	    "\"interval\":\"1m\",\"ref\":{\"branch\":\"master\"}}}");
	CHECK(o != NULL);
	CHECK_INT(get_int(o, "status", "observedGeneration"), -1);
	CHECK_STR(cf_node_getp_str(o, "spec", "timeout", NULL), "60s");

	o = ADMIT_OK("OCIRepository", "{\"spec\":{\"url\":\"oci://ghcr.io/x/y\","
	    "\"interval\":\"5m\",\"ref\":{\"tag\":\"latest\"},\"verify\":{}}}");
	CHECK(o != NULL);
	CHECK_STR(cf_node_getp_str(o, "spec", "provider", NULL), "generic");
	CHECK_STR(cf_node_getp_str(o, "spec", "verify", "provider", NULL),
	    "cosign");
	CHECK_INT(get_int(o, "status", "observedGeneration"), -1);

	o = ADMIT_OK("HelmRepository", "{\"spec\":{\"url\":\"https://charts."
	    "example.com\",\"interval\":\"10m\"}}");
	CHECK(o != NULL);
	CHECK_STR(cf_node_getp_str(o, "spec", "provider", NULL), "generic");

	o = ADMIT_OK("HelmChart", "{\"spec\":{\"chart\":\"podinfo\",\"interval\":"
	    "\"1m\",\"sourceRef\":{\"kind\":\"HelmRepository\",\"name\":\"r\"}}}");
	CHECK(o != NULL);
	CHECK_STR(cf_node_getp_str(o, "spec", "version", NULL), "*");
	CHECK_STR(cf_node_getp_str(o, "spec", "reconcileStrategy", NULL),
	    "ChartVersion");

	o = ADMIT_OK("Bucket", "{\"spec\":{\"bucketName\":\"b\",\"endpoint\":"
	    "\"minio:9000\",\"interval\":\"1m\"}}");
	CHECK(o != NULL);
	CHECK_STR(cf_node_getp_str(o, "spec", "timeout", NULL), "60s");

	o = ADMIT_OK("ExternalArtifact", "{\"spec\":{\"sourceRef\":{\"kind\":"
	    "\"ArtifactGenerator\",\"name\":\"g\"}}}");
	CHECK(o != NULL);
	/* Written by third parties: no observedGeneration default. */
	CHECK(cf_node_get(o, "status") == NULL);

	o = ADMIT_OK("Kustomization", "{\"apiVersion\":\"kustomize.toolkit.fluxcd"
	    ".io/v1\",\"kind\":\"Kustomization\",\"metadata\":{\"name\":\"apps\","
	    "\"namespace\":\"flux-system\"},\"spec\":{\"interval\":\"10m\","
	    "\"prune\":true,\"path\":\"./apps\",\"sourceRef\":{\"kind\":"
	    "\"GitRepository\",\"name\":\"flux-system\"},\"postBuild\":{"
	    "\"substituteFrom\":[{\"kind\":\"ConfigMap\",\"name\":\"vars\"}]}}}");
	CHECK(o != NULL);
	CHECK_INT(get_int(o, "status", "observedGeneration"), -1);
	CHECK(cf_node_is(cf_node_getp(o, "spec", "force", NULL), CF_NODE_BOOL));
	CHECK(!cf_node_getp(o, "spec", "force", NULL)->v.b);
	CHECK(cf_node_is(cf_node_getp(cf_node_at(cf_node_getp(o, "spec",
	    "postBuild", "substituteFrom", NULL), 0), "optional", NULL),
	    CF_NODE_BOOL));

	o = ADMIT_OK("HelmRelease", "{\"spec\":{\"interval\":\"5m\",\"chart\":{"
	    "\"spec\":{\"chart\":\"podinfo\",\"sourceRef\":{\"kind\":"
	    "\"HelmRepository\",\"name\":\"podinfo\"}}},\"values\":{\"replicas\":"
	    "2,\"any\":{\"thing\":[1]}},\"uninstall\":{}}}");
	CHECK(o != NULL);
	CHECK_STR(cf_node_getp_str(o, "spec", "chart", "spec", "version", NULL),
	    "*");
	CHECK_STR(cf_node_getp_str(o, "spec", "uninstall", "deletionPropagation",
	    NULL), "background");
	/* values is preserve-unknown-fields: nothing pruned under it. */
	CHECK(cf_node_getp(o, "spec", "values", "any", "thing", NULL) != NULL);

	o = ADMIT_OK("Alert", "{\"spec\":{\"providerRef\":{\"name\":\"slack\"},"
	    "\"eventSources\":[{\"kind\":\"Kustomization\",\"name\":\"*\"}]}}");
	CHECK(o != NULL);
	CHECK_STR(cf_node_getp_str(o, "spec", "eventSeverity", NULL), "info");
	CHECK(cf_node_get(o, "status") == NULL); /* no status on Alert */

	o = ADMIT_OK("Provider", "{\"spec\":{\"type\":\"slack\",\"channel\":"
	    "\"general\"}}");
	CHECK(o != NULL);

	o = ADMIT_OK("Receiver", "{\"spec\":{\"type\":\"github\",\"resources\":"
	    "[{\"kind\":\"GitRepository\",\"name\":\"webapp\"}],\"secretRef\":{"
	    "\"name\":\"token\"}}}");
	CHECK(o != NULL);
	CHECK_STR(cf_node_getp_str(o, "spec", "interval", NULL), "10m");

	o = ADMIT_OK("ImageRepository", "{\"spec\":{\"image\":\"ghcr.io/x/y\","
	    "\"interval\":\"5m\"}}");
	CHECK(o != NULL);
	CHECK_STR(cf_node_as_str(cf_node_at(cf_node_getp(o, "spec",
	    "exclusionList", NULL), 0)), "^.*\\.sig$");

	o = ADMIT_OK("ImagePolicy", "{\"spec\":{\"imageRepositoryRef\":{\"name\":"
	    "\"r\"},\"policy\":{\"alphabetical\":{}}}}");
	CHECK(o != NULL);
	CHECK_STR(cf_node_getp_str(o, "spec", "digestReflectionPolicy", NULL),
	    "Never");
	CHECK_STR(cf_node_getp_str(o, "spec", "policy", "alphabetical", "order",
	    NULL), "asc");

	o = ADMIT_OK("ImageUpdateAutomation", "{\"spec\":{\"interval\":\"30m\","
	    "\"sourceRef\":{\"name\":\"repo\"},\"git\":{\"commit\":{\"author\":{"
	    "\"email\":\"bot@example.com\"}}}}}");
	CHECK(o != NULL);
	CHECK_STR(cf_node_getp_str(o, "spec", "update", "strategy", NULL),
	    "Setters");
	CHECK_STR(cf_node_getp_str(o, "spec", "sourceRef", "kind", NULL),
	    "GitRepository");
	cf_arena_release(&a);
}

TEST(test_kube_crd__flux_samples_rejected)
{
	cf_arena a = CF_ARENA_INIT;
	size_t n;
	cf_node **crds = all_crds(&a, &n);
	cf_crd_causes c = CF_CRD_CAUSES_INIT(&a);
	cf_crd_column *cols;
	size_t ncol;

	CHECK(admit(&a, crds, n, "GitRepository", "{\"spec\":{\"url\":"
	    "\"git@github.com:x/y\",\"interval\":\"1d\",\"timeout\":\"1h\","
	    "\"provider\":\"gitlab\"}}", &c) != NULL);
	CHECK_CAUSE(&c, "FieldValueInvalid", "spec.url: Invalid value: "
	    "\"git@github.com:x/y\": spec.url in body should match "
	    "'^(http|https|ssh|file)://.*$'");
	CHECK_CAUSE(&c, "FieldValueInvalid", "spec.interval: Invalid value: "
	    "\"1d\": spec.interval in body should match "
	    "'^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$'");
	CHECK_CAUSE(&c, "FieldValueInvalid", "spec.timeout: Invalid value: "
	    "\"1h\": spec.timeout in body should match "
	    "'^([0-9]+(\\.[0-9]+)?(ms|s|m))+$'");
	CHECK_CAUSE(&c, "FieldValueNotSupported", "spec.provider: Unsupported "
	    "value: \"gitlab\": supported values: \"generic\", \"aws\", "
	    "\"azure\", \"github\"");
	CHECK_INT(c.len, 4);

	c.len = 0;
	CHECK(admit(&a, crds, n, "Kustomization", "{\"spec\":{\"interval\":"
	    "\"1m\",\"sourceRef\":{\"kind\":\"HelmChart\",\"name\":\"x\"},"
	    "\"targetNamespace\":\"\"}}", &c) != NULL);
	CHECK_CAUSE(&c, "FieldValueRequired", "spec.prune: Required value");
	CHECK_CAUSE(&c, "FieldValueNotSupported", "spec.sourceRef.kind: "
	    "Unsupported value: \"HelmChart\": supported values: "
	    "\"OCIRepository\", \"GitRepository\", \"Bucket\", "
	    "\"ExternalArtifact\"");
	CHECK_CAUSE(&c, "FieldValueInvalid", "spec.targetNamespace: Invalid "
	    "value: \"\": spec.targetNamespace in body should be at least 1 "
	    "chars long");
	CHECK_INT(c.len, 3);

	/* The print columns kubectl shows for Flux kinds. */
	ncol = cf_crd_columns(&cols, &a, find_crd(crds, n, "GitRepository"),
	    cf_crd_version(find_crd(crds, n, "GitRepository"), "v1"));
	CHECK_INT(ncol, 4);
	CHECK_STR(cols[0].name, "URL");
	CHECK_STR(cols[1].name, "Age");
	CHECK_STR(cols[2].json_path,
	    ".status.conditions[?(@.type==\"Ready\")].status");
	CHECK_STR(cols[3].name, "Status");
	ncol = cf_crd_columns(&cols, &a, find_crd(crds, n, "ImageRepository"),
	    cf_crd_version(find_crd(crds, n, "ImageRepository"), "v1"));
	CHECK_INT(ncol, 6);
	CHECK_STR(cols[4].name, "Last scan");
	CHECK_INT(cols[4].priority, 1);
	CHECK_STR(cols[1].type, "integer");
	cf_arena_release(&a);
}

/* Walk to the k-th node (pre-order) below *slot; k counts down. */
static cf_node **nth_slot(cf_node **slot, size_t *k)
{
	cf_node *n = *slot;

	if ((*k)-- == 0)
		return slot;
	for (uint32_t i = 0; n->type == CF_NODE_MAP && i < n->len; i++) {
		cf_node **r = nth_slot(&n->v.pairs[i].val, k);

		if (r)
			return r;
	}
	for (uint32_t i = 0; n->type == CF_NODE_SEQ && i < n->len; i++) {
		cf_node **r = nth_slot(&n->v.items[i], k);

		if (r)
			return r;
	}
	return NULL;
}

/* Replace every node of the Kustomization CRD in turn by a value of the
 * wrong shape: the validator must report or accept each variant without
 * crashing, and whatever it accepts must compile and process objects.
 * (Run under ASan, this is what found unchecked map walks.) */
TEST(test_kube_crd__mutated_crds_are_handled)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *crds[4];
	size_t n = load_crds(&a, "kustomize.toolkit.fluxcd.io.yaml", crds, 4);
	size_t accepted = 0, refused = 0;

	CHECK_INT(n, 1);
	for (size_t m = 1;; m++) {
		for (int kind = 0; kind < 2; kind++) {
			cf_arena r = CF_ARENA_INIT;
			cf_node *crd = cf_node_dup(&r, crds[0]);
			cf_crd_causes c = CF_CRD_CAUSES_INIT(&r);
			cf_crd_schema *s = NULL;
			size_t k = m;
			cf_node **slot = nth_slot(&crd, &k);

			if (!slot) {
				cf_arena_release(&r);
				goto done;
			}
			*slot = kind ? J(&r, "[{}]") : cf_node_str(&r, "x");
			if (cf_crd_validate(&c, crd, NULL) != 0) {
				refused++;
				CHECK(c.len > 0);
				cf_arena_release(&r);
				continue;
			}
			accepted++;
			if (cf_crd_schema_compile(&s, cf_node_getp(cf_crd_version(crd,
			    NULL), "schema", "openAPIV3Schema", NULL)) == 0) {
				cf_node *o = J(&r, "{\"metadata\":{\"name\":\"a\"},"
				    "\"spec\":{\"interval\":\"1m\",\"prune\":true,"
				    "\"patches\":[{\"patch\":\"x\"}]},\"status\":{}}");

				cf_crd_schema_decode(s, &r, o, CF_CRD_SCHEMA_WARN, NULL);
				cf_crd_schema_validate(s, o, &c);
				cf_crd_schema_free(s);
			}
			cf_arena_release(&r);
		}
	}
done:
	/* Most shape changes in a schema are errors, some are harmless
	 * (a description turned into the string "x"). */
	CHECK(refused > 100);
	CHECK(accepted > 100);
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kube_crd__valid_crd_passes),
    T(test_kube_crd__names_and_versions),
    T(test_kube_crd__structural_schema_rules),
    T(test_kube_crd__defaults_are_validated),
    T(test_kube_crd__naming_conflicts),
    T(test_kube_crd__prune_unknown_fields),
    T(test_kube_crd__decode_modes),
    T(test_kube_crd__defaulting),
    T(test_kube_crd__validation_messages),
    T(test_kube_crd__ratcheting_updates),
    T(test_kube_crd__junctors_and_bounds),
    T(test_kube_crd__printer_columns),
    T(test_kube_crd__flux_crds_are_valid),
    T(test_kube_crd__flux_samples_default_and_validate),
    T(test_kube_crd__flux_samples_rejected),
    T(test_kube_crd__mutated_crds_are_handled))
