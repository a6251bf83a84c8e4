/* SPDX-License-Identifier: Apache-2.0 */
#include "test.h"
#include "kube/validate.h"

#include <string.h>

#define LABEL_MSG "a lowercase RFC 1123 label must consist of lower case " \
	"alphanumeric characters or '-', and must start and end with an "   \
	"alphanumeric character (e.g. 'my-name',  or '123-abc', regex used " \
	"for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"

TEST(test_kube_validate__dns_names)
{
	cf_arena a = CF_ARENA_INIT;
	const char *m[CF_VALIDATE_MAX_MSGS];
	char long_label[70], long_sub[260];

	CHECK_INT(cf_validate_dns1123_label(&a, "my-ns", m), 0);
	CHECK_INT(cf_validate_dns1123_label(&a, "My_ns", m), 1);
	CHECK_STR(m[0], LABEL_MSG);
	CHECK_INT(cf_validate_dns1123_label(&a, "-a", m), 1);
	CHECK_INT(cf_validate_dns1123_label(&a, "", m), 1);
	memset(long_label, 'a', 64);
	long_label[64] = 0;
	CHECK_INT(cf_validate_dns1123_label(&a, long_label, m), 1);
	CHECK_STR(m[0], "must be no more than 63 characters");

	CHECK_INT(cf_validate_dns1123_subdomain(&a, "web.example-1.com", m), 0);
	CHECK_INT(cf_validate_dns1123_subdomain(&a, "a..b", m), 1);
	CHECK_STR(m[0], "a lowercase RFC 1123 subdomain must consist of lower "
	    "case alphanumeric characters, '-' or '.', and must start and end "
	    "with an alphanumeric character (e.g. 'example.com', regex used for "
	    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]"
	    "([-a-z0-9]*[a-z0-9])?)*')");
	CHECK_INT(cf_validate_dns1123_subdomain(&a, "a.", m), 1);
	memset(long_sub, 'a', 254);
	long_sub[254] = 0;
	CHECK_INT(cf_validate_dns1123_subdomain(&a, long_sub, m), 1);
	CHECK_STR(m[0], "must be no more than 253 characters");
	long_sub[100] = '_';
	CHECK_INT(cf_validate_dns1123_subdomain(&a, long_sub, m), 2);

	CHECK_INT(cf_validate_dns1035_label(&a, "svc-1", m), 0);
	CHECK_INT(cf_validate_dns1035_label(&a, "1svc", m), 1);
	CHECK(strstr(m[0], "a DNS-1035 label must consist") == m[0]);

	CHECK_INT(cf_validate_path_segment(&a, "system:controller:x", m), 0);
	CHECK_INT(cf_validate_path_segment(&a, "..", m), 1);
	CHECK_STR(m[0], "may not be '..'");
	CHECK_INT(cf_validate_path_segment(&a, "a/b%c", m), 2);
	CHECK_STR(m[1], "may not contain '%'");

	/* generateName may end with '-', a name may not. */
	CHECK_INT(cf_validate_name(&a, CF_NAME_DNS1123_SUBDOMAIN, "web-", true, m), 0);
	CHECK_INT(cf_validate_name(&a, CF_NAME_DNS1123_SUBDOMAIN, "web-", false, m), 1);
	CHECK_INT(cf_validate_name(&a, CF_NAME_NONE, "!!", false, m), 0);
	cf_arena_release(&a);
}

TEST(test_kube_validate__label_keys_and_values)
{
	cf_arena a = CF_ARENA_INIT;
	const char *m[CF_VALIDATE_MAX_MSGS];

	CHECK_INT(cf_validate_qualified_name(&a, "app.kubernetes.io/name", m), 0);
	CHECK_INT(cf_validate_qualified_name(&a, "Simple_Key.1", m), 0);
	CHECK_INT(cf_validate_qualified_name(&a, "/x", m), 1);
	CHECK_STR(m[0], "prefix part must be non-empty");
	CHECK_INT(cf_validate_qualified_name(&a, "Ex.com/x", m), 1);
	CHECK(strstr(m[0], "prefix part a lowercase RFC 1123 subdomain") == m[0]);
	CHECK_INT(cf_validate_qualified_name(&a, "a/", m), 2);
	CHECK_STR(m[0], "name part must be non-empty");
	CHECK_STR(m[1], "name part must consist of alphanumeric characters, '-', "
	    "'_' or '.', and must start and end with an alphanumeric character "
	    "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
	    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
	CHECK_INT(cf_validate_qualified_name(&a, "a/b/c", m), 1);
	CHECK(strstr(m[0], "a qualified name must consist") == m[0]);
	CHECK(strstr(m[0], "with an optional DNS subdomain prefix and '/' (e.g. "
	    "'example.com/MyName')") != NULL);

	CHECK_INT(cf_validate_label_value(&a, "", m), 0);
	CHECK_INT(cf_validate_label_value(&a, "v1.2_x-y", m), 0);
	CHECK_INT(cf_validate_label_value(&a, "-x", m), 1);
	CHECK_STR(m[0], "a valid label must be an empty string or consist of "
	    "alphanumeric characters, '-', '_' or '.', and must start and end "
	    "with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
	    "'12345', regex used for validation is "
	    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
	cf_arena_release(&a);
}

static cf_node *meta_obj(cf_arena *a, const char *name, const char *ns)
{
	cf_node *o = cf_node_map(a);
	cf_node *md = cf_node_set_map(a, o, "metadata");

	if (name)
		cf_node_set(a, md, "name", cf_node_str(a, name));
	if (ns)
		cf_node_set(a, md, "namespace", cf_node_str(a, ns));
	return o;
}

TEST(test_kube_validate__object_meta)
{
	cf_arena a = CF_ARENA_INIT;
	cf_field_errs e = CF_FIELD_ERRS_INIT;
	cf_node *o = meta_obj(&a, "web", "default"), *labels;

	CHECK_INT(cf_validate_object_meta(&a, &e, o, CF_NAME_DNS1123_SUBDOMAIN,
	    true), 0);
	/* Missing namespace on a namespaced kind; forbidden on a cluster one. */
	CHECK_INT(cf_validate_object_meta(&a, &e, meta_obj(&a, "web", NULL),
	    CF_NAME_DNS1123_SUBDOMAIN, true), 1);
	CHECK_STR(cf_field_err_string(&a, &e.items[0]),
	    "metadata.namespace: Required value");
	e.len = 0;
	CHECK_INT(cf_validate_object_meta(&a, &e, o, CF_NAME_DNS1123_LABEL,
	    false), 1);
	CHECK_STR(cf_field_err_string(&a, &e.items[0]),
	    "metadata.namespace: Forbidden: not allowed on this type");
	e.len = 0;
	CHECK_INT(cf_validate_object_meta(&a, &e, meta_obj(&a, NULL, "x"),
	    CF_NAME_DNS1123_SUBDOMAIN, true), 1);
	CHECK_STR(cf_field_err_string(&a, &e.items[0]),
	    "metadata.name: Required value: name or generateName is required");
	e.len = 0;
	CHECK_INT(cf_validate_object_meta(&a, &e, meta_obj(&a, "Bad", NULL),
	    CF_NAME_DNS1123_LABEL, false), 1);
	CHECK_STR(cf_field_err_string(&a, &e.items[0]),
	    "metadata.name: Invalid value: \"Bad\": " LABEL_MSG);
	CHECK_STR(cf_field_err_reason(e.items[0].type), "FieldValueInvalid");

	/* Labels are reported at the map's path, as Kubernetes does. */
	e.len = 0;
	labels = cf_node_set_map(&a, cf_node_get(o, "metadata"), "labels");
	cf_node_set(&a, labels, "ok", cf_node_str(&a, "yes"));
	cf_node_set(&a, labels, "bad key", cf_node_str(&a, "v"));
	cf_node_set(&a, labels, "k", cf_node_str(&a, "bad value"));
	CHECK_INT(cf_validate_object_meta(&a, &e, o, CF_NAME_DNS1123_SUBDOMAIN,
	    true), 2);
	CHECK_STR(e.items[0].field, "metadata.labels");
	CHECK_STR(e.items[0].value, "\"bad key\"");
	CHECK_STR(e.items[1].value, "\"bad value\"");
	cf_arena_release(&a);
}

TEST(test_kube_validate__finalizers_and_owner_refs)
{
	cf_arena a = CF_ARENA_INIT;
	cf_field_errs e = CF_FIELD_ERRS_INIT;
	cf_node *o = meta_obj(&a, "web", "default");
	cf_node *md = cf_node_get(o, "metadata");
	cf_node *fin = cf_node_seq(&a), *refs = cf_node_seq(&a), *r1, *r2;

	cf_node_push(&a, fin, cf_node_str(&a, "finalizers.fluxcd.io"));
	cf_node_push(&a, fin, cf_node_str(&a, "kubernetes"));
	cf_node_set(&a, md, "finalizers", fin);
	CHECK_INT(cf_validate_object_meta(&a, &e, o, CF_NAME_DNS1123_SUBDOMAIN,
	    true), 0);
	cf_node_push(&a, fin, cf_node_str(&a, "orphan"));
	cf_node_push(&a, fin, cf_node_str(&a, "foregroundDeletion"));
	cf_node_push(&a, fin, cf_node_str(&a, "bad/fin/x"));
	CHECK_INT(cf_validate_object_meta(&a, &e, o, CF_NAME_DNS1123_SUBDOMAIN,
	    true), 2);
	CHECK_STR(e.items[0].field, "metadata.finalizers");
	CHECK_STR(e.items[0].value, "\"bad/fin/x\"");
	CHECK_STR(cf_field_err_string(&a, &e.items[1]), "metadata.finalizers: "
	    "Invalid value: []string{\"finalizers.fluxcd.io\", \"kubernetes\", "
	    "\"orphan\", \"foregroundDeletion\", \"bad/fin/x\"}: finalizer "
	    "orphan and foregroundDeletion cannot be both set");
	cf_node_del(md, "finalizers");

	e.len = 0;
	r1 = cf_node_map(&a);
	cf_node_set(&a, r1, "apiVersion", cf_node_str(&a, "apps/v1"));
	cf_node_set(&a, r1, "kind", cf_node_str(&a, "ReplicaSet"));
	cf_node_set(&a, r1, "name", cf_node_str(&a, "rs1"));
	cf_node_set(&a, r1, "uid", cf_node_str(&a, "u1"));
	cf_node_set(&a, r1, "controller", cf_node_bool(&a, true));
	r2 = cf_node_dup(&a, r1);
	cf_node_set(&a, r2, "name", cf_node_str(&a, "rs2"));
	cf_node_set(&a, r2, "apiVersion", cf_node_str(&a, "apps/"));
	cf_node_del(r2, "uid");
	cf_node_push(&a, refs, r1);
	cf_node_push(&a, refs, r2);
	cf_node_set(&a, md, "ownerReferences", refs);
	cf_node_set(&a, md, "generation", cf_node_int(&a, -1));
	CHECK_INT(cf_validate_object_meta(&a, &e, o, CF_NAME_DNS1123_SUBDOMAIN,
	    true), 4);
	CHECK_STR(cf_field_err_string(&a, &e.items[0]), "metadata.generation: "
	    "Invalid value: -1: must be greater than or equal to 0");
	CHECK_STR(cf_field_err_string(&a, &e.items[1]), "metadata.ownerReferences."
	    "apiVersion: Invalid value: \"apps/\": version must not be empty");
	CHECK_STR(cf_field_err_string(&a, &e.items[2]), "metadata.ownerReferences."
	    "uid: Invalid value: \"\": uid must not be empty");
	CHECK_STR(cf_field_err_string(&a, &e.items[3]), "metadata.ownerReferences: "
	    "Invalid value: Only one reference can have Controller set to true. "
	    "Found \"true\" in references for ReplicaSet/rs1 and ReplicaSet/rs2");
	cf_arena_release(&a);
}

TEST(test_kube_validate__annotation_size)
{
	cf_arena a = CF_ARENA_INIT;
	cf_field_errs e = CF_FIELD_ERRS_INIT;
	cf_node *ann = cf_node_map(&a);
	size_t big = CF_ANNOTATIONS_MAX_BYTES - 3;
	char *v = cf_arena_alloc(&a, big + 2);

	memset(v, 'x', big + 1);
	v[big] = 0;
	/* "k" + value: exactly at the limit passes ... */
	cf_node_set(&a, ann, "kk", cf_node_str(&a, v));
	cf_node_set(&a, ann, "Upper.Case/Key", cf_node_str(&a, ""));
	CHECK_INT(cf_validate_annotations(&a, &e, ann, "metadata.annotations"), 1);
	/* (the uppercase prefix is fine for annotations; only the size is not:
	 * 2 + big + 14 bytes) */
	CHECK_STR(cf_field_err_string(&a, &e.items[0]),
	    "metadata.annotations: Too long: may not be more than 262144 bytes");
	CHECK_STR(cf_field_err_reason(e.items[0].type), "FieldValueTooLong");
	e.len = 0;
	cf_node_del(ann, "Upper.Case/Key");
	cf_node_set(&a, ann, "k", cf_node_str(&a, "")); /* 2 + big + 1 = max */
	CHECK_INT(cf_validate_annotations(&a, &e, ann, "metadata.annotations"), 0);
	cf_arena_release(&a);
}

TEST(test_kube_validate__go_quote_and_generate)
{
	cf_arena a = CF_ARENA_INIT;
	const uint8_t rnd[5] = { 0, 1, 26, 27, 200 };
	char base[80];
	char *n;
	const char *m[CF_VALIDATE_MAX_MSGS];

	CHECK_STR(cf_go_quote(&a, "a\"b\\c\n\x01\xff é"),
	    "\"a\\\"b\\\\c\\n\\x01\\xff é\"");
	CHECK_STR(cf_name_generate_from(&a, "web-", rnd), "web-bc9bp");
	memset(base, 'a', 70);
	base[70] = 0;
	n = cf_name_generate_from(&a, base, rnd);
	CHECK_INT(strlen(n), 63);
	n = cf_name_generate(&a, "job-");
	CHECK_INT(strlen(n), 9);
	CHECK(strspn(n + 4, "bcdfghjklmnpqrstvwxz2456789") == 5);
	CHECK_INT(cf_validate_dns1123_label(&a, n, m), 0);
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kube_validate__dns_names),
    T(test_kube_validate__label_keys_and_values),
    T(test_kube_validate__object_meta),
    T(test_kube_validate__finalizers_and_owner_refs), T(test_kube_validate__annotation_size),
    T(test_kube_validate__go_quote_and_generate))
