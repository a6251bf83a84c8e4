/* SPDX-License-Identifier: Apache-2.0 */
#include "test.h"
#include "kube/status.h"
#include "core/error.h"

static const char *json(cf_arena *a, const cf_status *st)
{
	cf_buf b = CF_BUF_INIT;
	char *s;

	if (cf_status_write(&b, st) < 0)
		return "(write failed)";
	s = cf_arena_strdup(a, b.buf);
	cf_buf_release(&b);
	return s;
}

TEST(test_kube_status__not_found_core_and_group)
{
	cf_arena a = CF_ARENA_INIT;

	CHECK_STR(json(&a, cf_status_not_found(&a, "", "configmaps", "cm9")),
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
	    "\"status\":\"Failure\",\"message\":\"configmaps \\\"cm9\\\" not found\","
	    "\"reason\":\"NotFound\",\"details\":{\"name\":\"cm9\","
	    "\"kind\":\"configmaps\"},\"code\":404}");
	CHECK_STR(cf_status_not_found(&a, "apps", "deployments", "web")->message,
	    "deployments.apps \"web\" not found");
	CHECK_STR(json(&a, cf_status_not_found(&a, "example.com", "widgets", "w1")),
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
	    "\"status\":\"Failure\",\"message\":\"widgets.example.com \\\"w1\\\" not found\","
	    "\"reason\":\"NotFound\",\"details\":{\"name\":\"w1\","
	    "\"group\":\"example.com\",\"kind\":\"widgets\"},\"code\":404}");
	CHECK_STR(json(&a, cf_status_no_route(&a)),
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
	    "\"status\":\"Failure\",\"message\":\"the server could not find the "
	    "requested resource\",\"reason\":\"NotFound\",\"details\":{},\"code\":404}");
	cf_arena_release(&a);
}

TEST(test_kube_status__conflict_and_exists)
{
	cf_arena a = CF_ARENA_INIT;
	cf_status *st;

	CHECK_STR(json(&a, cf_status_conflict(&a, "apps", "deployments", "web", NULL)),
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
	    "\"status\":\"Failure\",\"message\":\"Operation cannot be fulfilled on "
	    "deployments.apps \\\"web\\\": the object has been modified; please apply "
	    "your changes to the latest version and try again\",\"reason\":\"Conflict\","
	    "\"details\":{\"name\":\"web\",\"group\":\"apps\",\"kind\":\"deployments\"},"
	    "\"code\":409}");
	st = cf_status_already_exists(&a, NULL, "configmaps", "x");
	CHECK_STR(st->message, "configmaps \"x\" already exists");
	CHECK_INT(st->code, 409);
	CHECK_STR(st->reason, "AlreadyExists");

	st = cf_status_apply_conflict(&a,
	    "Apply failed with 1 conflict: conflict with \"flux\" using v1: .data.a");
	cf_status_add_cause(&a, st, "FieldManagerConflict",
	    "conflict with \"flux\" using v1", ".data.a");
	CHECK_STR(json(&a, st),
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
	    "\"status\":\"Failure\",\"message\":\"Apply failed with 1 conflict: "
	    "conflict with \\\"flux\\\" using v1: .data.a\",\"reason\":\"Conflict\","
	    "\"details\":{\"causes\":[{\"reason\":\"FieldManagerConflict\","
	    "\"message\":\"conflict with \\\"flux\\\" using v1\",\"field\":\".data.a\"}]},"
	    "\"code\":409}");
	cf_arena_release(&a);
}

TEST(test_kube_status__invalid_with_causes)
{
	cf_arena a = CF_ARENA_INIT;
	cf_field_errs errs = CF_FIELD_ERRS_INIT;
	cf_status *st;

	cf_field_errs_add_str(&a, &errs, CF_FIELD_INVALID, "data[a b]", "a b",
	    "a valid config key must consist of alphanumeric characters, '-', "
	    "'_' or '.'");
	st = cf_status_invalid(&a, "", "ConfigMap", "bad", &errs);
	CHECK_STR(json(&a, st),
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
	    "\"status\":\"Failure\",\"message\":\"ConfigMap \\\"bad\\\" is invalid: "
	    "data[a b]: Invalid value: \\\"a b\\\": a valid config key must consist "
	    "of alphanumeric characters, '-', '_' or '.'\",\"reason\":\"Invalid\","
	    "\"details\":{\"name\":\"bad\",\"kind\":\"ConfigMap\",\"causes\":[{"
	    "\"reason\":\"FieldValueInvalid\",\"message\":\"Invalid value: \\\"a b\\\": "
	    "a valid config key must consist of alphanumeric characters, '-', '_' "
	    "or '.'\",\"field\":\"data[a b]\"}]},\"code\":422}");

	/* Two errors aggregate as [a, b]; a repeated one only once. */
	cf_field_errs_add(&a, &errs, CF_FIELD_REQUIRED, "spec.url", NULL, NULL);
	cf_field_errs_add(&a, &errs, CF_FIELD_REQUIRED, "spec.url", NULL, NULL);
	st = cf_status_invalid(&a, "source.toolkit.fluxcd.io", "GitRepository",
	    "g", &errs);
	CHECK_STR(st->message, "GitRepository.source.toolkit.fluxcd.io \"g\" is "
	    "invalid: [data[a b]: Invalid value: \"a b\": a valid config key must "
	    "consist of alphanumeric characters, '-', '_' or '.', spec.url: "
	    "Required value]");
	CHECK_INT(st->ncauses, 3);
	CHECK_STR(st->causes[1].reason, "FieldValueRequired");
	CHECK_STR(st->causes[1].message, "Required value");
	CHECK_STR(st->group, "source.toolkit.fluxcd.io");

	st = cf_status_invalid(&a, "", "ConfigMap", "x", NULL);
	CHECK_STR(st->message, "ConfigMap \"x\" is invalid");
	cf_arena_release(&a);
}

TEST(test_kube_status__other_reasons)
{
	cf_arena a = CF_ARENA_INIT;
	const char *types[] = { "application/json", "application/yaml" };
	cf_status *st;

	st = cf_status_forbidden(&a, "", "configmaps", "x",
	    "User \"u\" cannot get resource \"configmaps\" in API group \"\" in "
	    "the namespace \"ns\"");
	CHECK_STR(st->message, "configmaps \"x\" is forbidden: User \"u\" cannot "
	    "get resource \"configmaps\" in API group \"\" in the namespace \"ns\"");
	CHECK_STR(cf_status_forbidden(&a, "", "configmaps", NULL, "no")->message,
	    "configmaps is forbidden: no");
	CHECK_STR(cf_status_forbidden(&a, NULL, NULL, NULL, "no")->message,
	    "forbidden: no");
	st = cf_status_namespace_terminating(&a, "", "configmaps", "cm", "gone");
	CHECK_STR(json(&a, st), "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
	    "\"metadata\":{},\"status\":\"Failure\",\"message\":\"configmaps "
	    "\\\"cm\\\" is forbidden: unable to create new content in namespace "
	    "gone because it is being terminated\",\"reason\":\"Forbidden\","
	    "\"details\":{\"name\":\"cm\",\"kind\":\"configmaps\",\"causes\":"
	    "[{\"reason\":\"NamespaceTerminating\",\"message\":\"namespace gone "
	    "is being terminated\",\"field\":\"metadata.namespace\"}]},"
	    "\"code\":403}");
	st = cf_status_bad_request(&a, "the name of the object (%s) does not "
	    "match the name on the URL (%s)", "a", "b");
	CHECK_STR(json(&a, st), "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
	    "\"metadata\":{},\"status\":\"Failure\",\"message\":\"the name of the "
	    "object (a) does not match the name on the URL (b)\",\"reason\":"
	    "\"BadRequest\",\"code\":400}");
	st = cf_status_method_not_allowed(&a, "authentication.k8s.io",
	    "tokenreviews", "list");
	CHECK_STR(st->message, "list is not supported on resources of kind "
	    "\"tokenreviews.authentication.k8s.io\"");
	CHECK_INT(st->code, 405);
	st = cf_status_unsupported_media_type(&a, types, 2);
	CHECK_STR(st->message, "the body of the request was in an unknown format "
	    "- accepted media types include: application/json, application/yaml");
	CHECK_INT(st->code, 415);
	CHECK_INT(cf_status_not_acceptable(&a, types, 1)->code, 406);
	st = cf_status_expired(&a, "too old resource version: %d (%d)", 5, 9);
	CHECK_STR(st->message, "too old resource version: 5 (9)");
	CHECK_STR(st->reason, "Expired");
	CHECK_INT(st->code, 410);
	st = cf_status_too_large(&a, "limit is %d", 3145728);
	CHECK_STR(st->reason, "RequestEntityTooLarge");
	CHECK_STR(st->message, "Request entity too large: limit is 3145728");
	CHECK_INT(st->code, 413);
	st = cf_status_internal(&a, "boom");
	CHECK_STR(json(&a, st), "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
	    "\"metadata\":{},\"status\":\"Failure\",\"message\":\"Internal error "
	    "occurred: boom\",\"reason\":\"InternalError\",\"details\":{\"causes\":"
	    "[{\"message\":\"boom\"}]},\"code\":500}");
	st = cf_status_timeout(&a, "request did not complete", 2);
	CHECK_STR(json(&a, st), "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
	    "\"metadata\":{},\"status\":\"Failure\",\"message\":\"Timeout: request "
	    "did not complete\",\"reason\":\"Timeout\",\"details\":"
	    "{\"retryAfterSeconds\":2},\"code\":504}");
	CHECK_STR(cf_status_unauthorized(&a, NULL)->message, "not authorized");
	cf_arena_release(&a);
}

TEST(test_kube_status__deleted_success)
{
	cf_arena a = CF_ARENA_INIT;
	cf_status *st = cf_status_deleted(&a, "apps", "deployments", "web",
	    "0b7c2d0e-1111-4222-8333-444455556666");
	cf_node *n;

	CHECK_STR(json(&a, st), "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
	    "\"metadata\":{},\"status\":\"Success\",\"details\":{\"name\":\"web\","
	    "\"group\":\"apps\",\"kind\":\"deployments\",\"uid\":"
	    "\"0b7c2d0e-1111-4222-8333-444455556666\"}}");
	/* The node form carries the same fields in the same order. */
	n = cf_status_to_node(&a, st);
	CHECK_STR(n->v.pairs[3].key, "status");
	CHECK_STR(n->v.pairs[4].key, "details");
	CHECK(cf_node_get(n, "code") == NULL);
	CHECK_STR(cf_node_getp_str(n, "details", "uid", NULL),
	    "0b7c2d0e-1111-4222-8333-444455556666");
	CHECK(cf_node_getp(n, "details", "causes", NULL) == NULL);
	cf_arena_release(&a);
}

TEST(test_kube_status__from_error_and_capped_buffer)
{
	cf_arena a = CF_ARENA_INIT;
	cf_buf b;
	cf_status *st;

	cf_error_setc(CF_ENOTFOUND, CF_ERR_STORE, "no row");
	st = cf_status_from_error(&a, CF_ENOTFOUND, "", "secrets", "s");
	CHECK_STR(st->message, "secrets \"s\" not found");
	cf_error_setc(CF_EINVALID, CF_ERR_PARSE, "bad body");
	st = cf_status_from_error(&a, CF_EINVALID, "", "secrets", "s");
	CHECK_STR(st->message, "bad body");
	CHECK_INT(st->code, 400);
	cf_error_setc(CF_ERROR, CF_ERR_STORE, "disk");
	CHECK_INT(cf_status_from_error(&a, CF_ERROR, "", "secrets", "s")->code, 500);

	/* A full capped buffer reports CF_ETOOLARGE and keeps its old bytes. */
	cf_buf_init_capped(&b, 40);
	cf_buf_adds(&b, "x");
	CHECK_INT(cf_status_write(&b, st), CF_ETOOLARGE);
	CHECK_STR(b.buf, "x");
	cf_buf_release(&b);
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kube_status__not_found_core_and_group),
    T(test_kube_status__conflict_and_exists),
    T(test_kube_status__invalid_with_causes),
    T(test_kube_status__other_reasons), T(test_kube_status__deleted_success),
    T(test_kube_status__from_error_and_capped_buffer))
