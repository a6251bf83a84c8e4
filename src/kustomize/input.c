/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading YAML the way kustomize does (kyaml over go-yaml v3): YAML 1.2
 * booleans, timestamps turned into RFC 3339 strings, a "%YAML 1.2"
 * directive refused, anchors expanded with go-yaml's alias bound.
 */
#include "kustomize/kz_int.h"
#include "core/error.h"
#include "core/yaml.h"

static int parse(cf_arena *a, cf_node ***docs, size_t *n, const char *text,
    size_t len, const char *path, enum cf_yaml_schema schema)
{
	cf_yaml_opts o = { .schema = schema, .max_depth = 1000 };
	int err;

	if (len > CF_KUSTOMIZE_MAX_FILE)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_KUSTOMIZE,
		    "'%s' is larger than %u bytes", path, CF_KUSTOMIZE_MAX_FILE);
	if ((err = cf_yaml_parse(docs, n, a, text, len, &o)) < 0)
		return cf_error_wrap("'%s'", path);
	return 0;
}

int kz_yaml_parse_stream(cf_arena *a, cf_node ***docs, size_t *n,
    const char *text, size_t len, const char *path)
{
	return parse(a, docs, n, text, len, path, CF_YAML_12);
}

/* JSON 6902 patch text goes through sigs.k8s.io/yaml (go-yaml v2), so its
 * scalars follow YAML 1.1: an unquoted n or yes is a boolean there. */
int kz_yaml_parse_stream11(cf_arena *a, cf_node ***docs, size_t *n,
    const char *text, size_t len, const char *path)
{
	return parse(a, docs, n, text, len, path, CF_YAML_11);
}
