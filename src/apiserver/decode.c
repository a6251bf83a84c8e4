/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Request bodies: JSON, YAML (kube-apiserver parses YAML the go-yaml v2
 * way, YAML 1.1 scalars) and the protobuf kubectl 1.32's typed clients
 * send. Sizes are capped by the HTTP layer before this runs.
 */
#include "apiserver/api_int.h"
#include "core/error.h"
#include "core/json.h"
#include "core/yaml.h"
#include "kube/protobuf.h"

#include <string.h>

int api_decode(api_req *r, cf_node **out, const char *body, size_t len)
{
	cf_json_opts jo = { .strict = r->opts.field_validation == CF_FV_STRICT };
	int err;

	switch (r->ctype) {
	case CF_CT_PROTOBUF:
		err = cf_protobuf_decode(out, r->a, body, len);
		if (err == CF_ENOTFOUND)
			cf_error_setc(CF_EINVALID, CF_ERR_PARSE,
			    "the protobuf body holds a kind this server cannot decode; send JSON");
		return err < 0 ? CF_EINVALID : 0;
	case CF_CT_YAML:
	case CF_CT_APPLY_PATCH:
		/* JSON is YAML: kubectl sends apply bodies as compact JSON. */
		if (len && (body[0] == '{' || body[0] == '['))
			return cf_json_parse(out, r->a, body, len, &jo);
		return cf_yaml_parse_one(out, r->a, body, len,
		    &(cf_yaml_opts){ .schema = CF_YAML_11 });
	default:
		err = cf_json_parse(out, r->a, body, len, &jo);
		if (err < 0 && jo.strict && strstr(cf_error_msg(), "duplicate"))
			cf_error_wrap("strict decoding error");
		return err;
	}
}
