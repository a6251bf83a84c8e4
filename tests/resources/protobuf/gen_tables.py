#!/usr/bin/env python3
# Regenerate the message tables of src/kube/protobuf.c from the Go API
# types (their `protobuf:"..."` and `json:"..."` struct tags).
# Usage: gen_tables.py API_DIR APIMACHINERY_DIR > tables.inc
#   API_DIR: a checkout of k8s.io/api (kubernetes/api) at v0.32.x
#   APIMACHINERY_DIR: a checkout of k8s.io/apimachinery at the same tag
# Paste the output over the block between "Message tables" and the end of
# pb_roots[] in src/kube/protobuf.c. To decode a new kind, add it to ROOTS.
import os
import re
import sys

API, MACH = sys.argv[1], sys.argv[2]
PKGS = {
    'meta': os.path.join(MACH, 'pkg/apis/meta/v1/types.go'),
    'core': os.path.join(API, 'core/v1/types.go'),
    'apps': os.path.join(API, 'apps/v1/types.go'),
    'batch': os.path.join(API, 'batch/v1/types.go'),
    'rbac': os.path.join(API, 'rbac/v1/types.go'),
    'authz': os.path.join(API, 'authorization/v1/types.go'),
    'authn': os.path.join(API, 'authentication/v1/types.go'),
    'net': os.path.join(API, 'networking/v1/types.go'),
    'policy': os.path.join(API, 'policy/v1/types.go'),
    'sched': os.path.join(API, 'scheduling/v1/types.go'),
}
ROOTS = [
    ('authorization.k8s.io/v1', 'authz', ['SelfSubjectAccessReview',
     'SelfSubjectRulesReview', 'SubjectAccessReview', 'LocalSubjectAccessReview']),
    ('authentication.k8s.io/v1', 'authn', ['TokenRequest', 'TokenReview',
     'SelfSubjectReview']),
    ('v1', 'core', ['Namespace', 'ConfigMap', 'Secret', 'ServiceAccount',
     'Service', 'Pod', 'ResourceQuota']),
    ('apps/v1', 'apps', ['Deployment']),
    ('batch/v1', 'batch', ['Job', 'CronJob']),
    ('rbac.authorization.k8s.io/v1', 'rbac', ['Role', 'RoleBinding',
     'ClusterRole', 'ClusterRoleBinding']),
    ('scheduling.k8s.io/v1', 'sched', ['PriorityClass']),
    ('networking.k8s.io/v1', 'net', ['Ingress']),
    ('policy/v1', 'policy', ['PodDisruptionBudget']),
]
# Types Kubernetes declares with the same fields as another one (numbers,
# Go types and JSON names alike): the later one reuses the earlier one's
# field array. Generation stops if a pair ever drifts apart.
TWINS = {
    'authz.LocalSubjectAccessReview': 'authz.SubjectAccessReview',
    'rbac.ClusterRoleBinding': 'rbac.RoleBinding',
    'core.EphemeralContainerCommon': 'core.Container',
    'core.PodAntiAffinity': 'core.PodAffinity',
    'core.SecretEnvSource': 'core.ConfigMapEnvSource',
    'core.SecretKeySelector': 'core.ConfigMapKeySelector',
    'core.ConfigMapProjection': 'core.SecretProjection',
}
ALIAS = {'metav1': 'meta', 'v1': 'core', 'corev1': 'core', 'apiv1': 'core'}
SPECIAL = {'meta.Time': 'TIME', 'meta.MicroTime': 'TIME',
           'intstr.IntOrString': 'IOS', 'resource.Quantity': 'QTY',
           'meta.FieldsV1': 'RAWJSON', 'types.UID': 'STR',
           'types.NodeName': 'STR'}

structs, named = {}, {}
for pkg, fn in PKGS.items():
    src = open(fn).read()
    for m in re.finditer(r'^type (\w+) (string|int32|int64|bool|\[\]string|'
                         r'map\[[^\]]+\][\w.\[\]]+|\[\]byte)\s*$', src, re.M):
        named[pkg + '.' + m.group(1)] = m.group(2)
    for m in re.finditer(r'^type (\w+) struct \{\n(.*?)^\}', src, re.M | re.S):
        fields = []
        for line in m.group(2).split('\n'):
            fm = re.match(r'^\s*(?:(\w+)\s+)?([\w.\[\]*]+)\s+`(.*)`', line)
            if not fm or line.strip().startswith('//'):
                continue
            gname, gtype, tags = fm.groups()
            pt = re.search(r'protobuf:"(\w+),(\d+),(opt|rep|req)', tags)
            if not pt:
                continue
            jt = re.search(r'json:"([^"]*)"', tags)
            jp = (jt.group(1) if jt else (gname or gtype)).split(',')
            fields.append(dict(type=gtype, num=int(pt.group(2)), json=jp[0],
                               omit='omitempty' in jp, inline='inline' in jp))
        structs[pkg + '.' + m.group(1)] = fields


def resolve(pkg, t):
    ptr = t.startswith('*')
    t = t.lstrip('*')
    if t == '[]byte':
        return 'BYTES', ptr, False, None
    rep = t.startswith('[]')
    if rep:
        t = t[2:].lstrip('*')
    if '.' in t:
        p, n = t.split('.')
        q = ALIAS.get(p, p) + '.' + n
    else:
        q = pkg + '.' + t
    if q in SPECIAL:
        return SPECIAL[q], ptr, rep, None
    if t == 'string':
        return 'STR', ptr, rep, None
    if t in ('int32', 'int64', 'int'):
        return 'INT', ptr, rep, None
    if t == 'bool':
        return 'BOOL', ptr, rep, None
    if t.startswith('map['):
        v = t.split(']', 1)[1]
        kinds = {'string': 'MAPSTR', '[]byte': 'MAPBYTES',
                 'resource.Quantity': 'MAPQTY', 'ExtraValue': 'EXTRA',
                 'metav1.Time': 'MAPTIME'}
        return kinds.get(v, 'SKIP'), ptr, rep, None
    if q in named:
        u = named[q]
        if u == 'string':
            return 'STR', ptr, rep, None
        if u in ('int32', 'int64'):
            return 'INT', ptr, rep, None
        if u == 'bool':
            return 'BOOL', ptr, rep, None
        if u == '[]string':
            return 'STR', ptr, True, None
        return resolve(pkg, u)[0], ptr, rep, None
    if q in structs:
        return 'MSG', ptr, rep, q
    raise SystemExit('unknown type ' + q)


order, todo = [], [p + '.' + k for _, p, ks in ROOTS for k in ks]
while todo:
    q = todo.pop(0)
    if q in order:
        continue
    order.append(q)
    for f in structs[q]:
        f['k'] = resolve(q.split('.')[0], f['type'])
        if f['k'][0] == 'MSG' and f['k'][3] not in order:
            todo.append(f['k'][3])


def cname(q):
    return 'm_' + q.replace('.', '_')


def rows(q):
    out = []
    for f in structs[q]:
        k, ptr, rep, ref = f['k']
        fl = [n for n, on in (('PB_REP', rep), ('PB_PTR', ptr),
                              ('PB_OMIT', f['omit']), ('PB_INLINE', f['inline'])) if on]
        out.append('\t{ %d, PB_%s, %s, %s, %s },' % (
            f['num'], k, '|'.join(fl) or '0',
            'NULL' if f['inline'] else '"%s"' % f['json'],
            '&' + cname(ref) if ref else 'NULL'))
    return out


out = ['/* Message tables: field numbers and JSON names from the generated.proto',
       ' * and types.go of k8s.io/api and k8s.io/apimachinery v0.32.9 (facts, as',
       ' * data). Fields are in Go struct order, which is the JSON output order.',
       ' * A type Kubernetes declares with the same fields as another one',
       ' * (EphemeralContainerCommon and Container, say) shares its field array. */']
out += ['static const struct pb_msg %s;' % cname(q) for q in order]
for q in order:
    src = TWINS.get(q, q)
    if src != q:
        if src not in order[:order.index(q)] or rows(src) != rows(q):
            raise SystemExit('%s no longer has the fields of %s' % (q, src))
    else:
        out.append('static const struct pb_field %s_f[] = {' % cname(q))
        out += rows(q)
        out.append('};')
    out.append('static const struct pb_msg %s = { "%s", CF_ARRAY_SIZE(%s_f), %s_f };'
               % (cname(q), q.split('.')[1], cname(src), cname(src)))
out += ['', 'static const struct pb_root pb_roots[] = {']
out += ['\t{ "%s", "%s", &%s },' % (gv, k, cname(p + '.' + k))
        for gv, p, ks in ROOTS for k in ks]
out.append('};')
print('\n'.join(out))
