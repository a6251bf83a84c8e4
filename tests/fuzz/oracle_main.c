/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The C half of differential.sh: read one input on stdin and print what
 * the Go oracle (oracle/main.go) prints for it: the value as sorted
 * compact JSON, or "ERR <message>" without our " at line L, column C"
 * suffix (Go's encoding/json gives no position).
 *   oracle_c json     one JSON value
 *   oracle_c yaml     a YAML stream as a JSON array of its documents,
 *                     typed like sigs.k8s.io/yaml (CF_YAML_11)
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"
#include "core/yaml.h"

int main(int argc, char **argv)
{
	cf_arena a = CF_ARENA_INIT;
	cf_buf in = CF_BUF_INIT, out = CF_BUF_INIT;
	char chunk[65536];
	size_t k;
	int rc;

	if (argc != 2 || (strcmp(argv[1], "json") && strcmp(argv[1], "yaml"))) {
		fprintf(stderr, "usage: oracle_c json|yaml < input\n");
		return 2;
	}
	while ((k = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		cf_buf_add(&in, chunk, k);
	if (!strcmp(argv[1], "json")) {
		cf_node *n;
		rc = cf_json_parse(&n, &a, in.buf, in.len, NULL);
		if (!rc)
			rc = cf_json_write(&out, n, CF_JSON_SORTED);
	} else {
		cf_node **docs, *all;
		size_t nd;
		rc = cf_yaml_parse(&docs, &nd, &a, in.buf, in.len, NULL);
		if (!rc) {
			all = cf_node_seq(&a);
			for (size_t i = 0; i < nd; i++)
				cf_node_push(&a, all, docs[i]);
			rc = cf_json_write(&out, all, CF_JSON_SORTED);
		}
	}
	if (rc) {
		const char *m = cf_error_msg(), *at = strstr(m, " at line ");
		printf("ERR %.*s\n", at ? (int)(at - m) : (int)strlen(m), m);
	} else {
		printf("%s\n", out.buf);
	}
	cf_buf_release(&in);
	cf_buf_release(&out);
	cf_arena_release(&a);
	return 0;
}
