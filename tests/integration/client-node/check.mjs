// @kubernetes/client-node (the 1.x object-parameter API) against cfluxd.
//
//   node check.mjs KUBECONFIG SECTION
//
// SECTION is one of the names in `sections` below. Each section checks
// one area and stops at the first failed assertion: it prints
// "FAIL [section/step]: what differed" and exits 1. On success it prints
// one "ok" line per step and exits 0. t0009-client-node.sh runs each
// section as its own test.

import {
    ApiException,
    ApisApi,
    AppsV1Api,
    CoreV1Api,
    CustomObjectsApi,
    KubeConfig,
    KubernetesObjectApi,
    PatchStrategy,
    VersionApi,
    Watch,
    setHeaderOptions,
} from '@kubernetes/client-node';

const [kubeconfigPath, section] = process.argv.slice(2);
if (!kubeconfigPath || !section) {
    console.error('usage: node check.mjs KUBECONFIG SECTION');
    process.exit(2);
}

const kc = new KubeConfig();
kc.loadFromFile(kubeconfigPath);
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);
const custom = kc.makeApiClient(CustomObjectsApi);
const objects = KubernetesObjectApi.makeApiClient(kc);

// The generated patch calls send the first content type they know, JSON
// patch; every other patch type is chosen with a header middleware.
const asMerge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

let step = '(start)';

class CheckFailure extends Error {}

function fail(msg) {
    throw new CheckFailure(msg);
}

// JSON, with absent (undefined) values shown instead of dropped.
function show(v) {
    if (v === undefined) return 'undefined';
    return JSON.stringify(v, (k, x) => (x === undefined ? '(absent)' : x));
}

function eq(actual, expected, what) {
    const a = show(actual);
    const e = show(expected);
    if (a !== e) fail(`${what}: expected ${e}, got ${a}`);
}

function ok(cond, what) {
    if (!cond) fail(what);
}

function done(what) {
    console.log(`ok - ${section}: ${what}`);
}

// Recursively sort object keys so that maps compare by content.
function canon(v) {
    if (Array.isArray(v)) return v.map(canon);
    if (v && typeof v === 'object' && !(v instanceof Date)) {
        const out = {};
        for (const k of Object.keys(v).sort()) out[k] = canon(v[k]);
        return out;
    }
    return v;
}

function eqMap(actual, expected, what) {
    eq(canon(actual), canon(expected), what);
}

function names(list) {
    return list.items.map((o) => o.metadata.name).sort();
}

// await an API call that must fail; return the parsed Status body.
async function expectStatus(promise, code, reason, what) {
    let res;
    try {
        res = await promise;
    } catch (e) {
        if (!(e instanceof ApiException)) {
            fail(`${what}: expected ApiException ${code}, got ${e && e.stack ? e.stack : e}`);
        }
        eq(e.code, code, `${what}: HTTP status`);
        let body = e.body;
        if (typeof body === 'string') {
            try {
                body = JSON.parse(body);
            } catch {
                fail(`${what}: error body is not JSON: ${show(e.body)}`);
            }
        }
        ok(body && typeof body === 'object', `${what}: no error body (${show(e.body)})`);
        eq(body.kind, 'Status', `${what}: body.kind`);
        eq(body.apiVersion, 'v1', `${what}: body.apiVersion`);
        eq(body.status, 'Failure', `${what}: body.status`);
        eq(body.reason, reason, `${what}: body.reason`);
        eq(body.code, code, `${what}: body.code`);
        return body;
    }
    fail(`${what}: expected ${code} ${reason}, but the call succeeded with ${show(res)}`);
}

async function ensureNamespace(name) {
    await core.createNamespace({ body: { metadata: { name } } });
}

async function sleep(ms) {
    await new Promise((r) => setTimeout(r, ms));
}

async function waitFor(cond, ms, what) {
    const end = Date.now() + ms;
    for (;;) {
        if (await cond()) return;
        if (Date.now() > end) {
            fail(`timed out after ${ms} ms waiting for ${typeof what === 'function' ? what() : what}`);
        }
        await sleep(50);
    }
}

const sections = {
    // /version, /api/v1 and /apis through the typed clients.
    async discovery() {
        step = 'version';
        const v = await kc.makeApiClient(VersionApi).getCode();
        eq(v.major, '1', 'version.major');
        ok(/^v1\.\d+\.\d+/.test(v.gitVersion), `version.gitVersion looks like v1.x.y: ${v.gitVersion}`);
        done('/version parses as VersionInfo');

        step = 'core resources';
        const res = await core.getAPIResources();
        eq(res.groupVersion, 'v1', 'APIResourceList.groupVersion');
        const cm = res.resources.find((r) => r.name === 'configmaps');
        ok(cm, '/api/v1 lists configmaps');
        eq(cm.kind, 'ConfigMap', 'configmaps kind');
        eq(cm.namespaced, true, 'configmaps namespaced');
        for (const verb of ['create', 'get', 'list', 'watch', 'patch', 'update', 'delete']) {
            ok(cm.verbs.includes(verb), `configmaps verbs include ${verb}: ${show(cm.verbs)}`);
        }
        done('/api/v1 resource list');

        step = 'groups';
        const groups = await kc.makeApiClient(ApisApi).getAPIVersions();
        const appsGroup = groups.groups.find((g) => g.name === 'apps');
        ok(appsGroup, `/apis lists apps: ${show(groups.groups.map((g) => g.name))}`);
        eq(appsGroup.preferredVersion.groupVersion, 'apps/v1', 'apps preferred version');
        done('/apis group list');
    },

    // CoreV1Api on a Namespace and a ConfigMap: create, read, list, merge
    // patch, JSON patch, replace (and a stale replace), delete.
    async core() {
        const ns = 'cn-core';

        step = 'create namespace';
        const created = await core.createNamespace({
            body: { metadata: { name: ns, labels: { owner: 'cn' } } },
        });
        eq(created.metadata.name, ns, 'created namespace name');
        ok(created.metadata.uid, 'created namespace has a uid');
        ok(created.metadata.creationTimestamp instanceof Date,
            `creationTimestamp deserializes to a Date: ${show(created.metadata.creationTimestamp)}`);
        eq(created.status.phase, 'Active', 'namespace phase');
        eq(created.metadata.labels['kubernetes.io/metadata.name'], ns, 'automatic name label');
        done('createNamespace');

        step = 'read namespace';
        const nsRead = await core.readNamespace({ name: ns });
        eq(nsRead.metadata.uid, created.metadata.uid, 'readNamespace uid');
        eq(nsRead.metadata.labels.owner, 'cn', 'readNamespace label');
        done('readNamespace');

        step = 'list namespaces';
        const nsList = await core.listNamespace();
        ok(nsList.metadata.resourceVersion, 'namespace list has metadata.resourceVersion');
        for (const n of ['default', 'kube-system', ns]) {
            ok(names(nsList).includes(n), `listNamespace includes ${n}: ${show(names(nsList))}`);
        }
        done('listNamespace');

        step = 'merge-patch namespace';
        const nsPatched = await core.patchNamespace(
            { name: ns, body: { metadata: { labels: { stage: 'one' } } } }, asMerge);
        eqMap(nsPatched.metadata.labels,
            { 'kubernetes.io/metadata.name': ns, owner: 'cn', stage: 'one' }, 'labels after merge patch');
        done('patchNamespace (merge)');

        step = 'replace namespace';
        const nsBody = await core.readNamespace({ name: ns });
        nsBody.metadata.labels = { 'kubernetes.io/metadata.name': ns, stage: 'two' };
        const nsReplaced = await core.replaceNamespace({ name: ns, body: nsBody });
        eqMap(nsReplaced.metadata.labels,
            { 'kubernetes.io/metadata.name': ns, stage: 'two' }, 'labels after replace');
        ok(Number(nsReplaced.metadata.resourceVersion) > Number(nsBody.metadata.resourceVersion),
            'replace moved resourceVersion forward');
        done('replaceNamespace');

        step = 'create configmap';
        const cm = await core.createNamespacedConfigMap({
            namespace: ns,
            body: { metadata: { name: 'app', labels: { tier: 'web' } }, data: { color: 'blue', size: 'L' } },
        });
        eq(cm.metadata.namespace, ns, 'configmap namespace');
        ok(cm.metadata.uid && cm.metadata.resourceVersion, 'configmap has uid and resourceVersion');
        eqMap(cm.data, { color: 'blue', size: 'L' }, 'created data');
        done('createNamespacedConfigMap');

        step = 'read configmap';
        const cmRead = await core.readNamespacedConfigMap({ name: 'app', namespace: ns });
        eq(cmRead.metadata.uid, cm.metadata.uid, 'read uid');
        eqMap(cmRead.data, { color: 'blue', size: 'L' }, 'read data');
        done('readNamespacedConfigMap');

        step = 'list configmaps';
        const cmList = await core.listNamespacedConfigMap({ namespace: ns });
        eq(names(cmList), ['app'], 'configmaps in the namespace');
        ok(cmList.metadata.resourceVersion, 'configmap list has metadata.resourceVersion');
        const cmAll = await core.listConfigMapForAllNamespaces();
        ok(cmAll.items.some((o) => o.metadata.namespace === ns && o.metadata.name === 'app'),
            'listConfigMapForAllNamespaces includes cn-core/app');
        done('listNamespacedConfigMap and listConfigMapForAllNamespaces');

        step = 'merge-patch configmap';
        const cmPatched = await core.patchNamespacedConfigMap(
            { name: 'app', namespace: ns, body: { data: { color: 'red', size: null } } }, asMerge);
        eqMap(cmPatched.data, { color: 'red' }, 'data after merge patch (null deletes)');
        ok(Number(cmPatched.metadata.resourceVersion) > Number(cm.metadata.resourceVersion),
            'merge patch moved resourceVersion forward');
        done('patchNamespacedConfigMap (merge)');

        step = 'json-patch configmap';
        // No header: the generated client sends application/json-patch+json.
        const cmJson = await core.patchNamespacedConfigMap({
            name: 'app', namespace: ns,
            body: [{ op: 'add', path: '/data/shape', value: 'round' }],
        });
        eqMap(cmJson.data, { color: 'red', shape: 'round' }, 'data after JSON patch');
        done('patchNamespacedConfigMap (JSON patch, the default content type)');

        step = 'replace configmap';
        const stale = cmJson;
        const body = await core.readNamespacedConfigMap({ name: 'app', namespace: ns });
        body.data = { color: 'green' };
        const cmReplaced = await core.replaceNamespacedConfigMap({ name: 'app', namespace: ns, body });
        eqMap(cmReplaced.data, { color: 'green' }, 'data after replace');
        eq(cmReplaced.metadata.labels.tier, 'web', 'labels survive replace');
        stale.data = { color: 'stale' };
        const conflict = await expectStatus(
            core.replaceNamespacedConfigMap({ name: 'app', namespace: ns, body: stale }),
            409, 'Conflict', 'replace with a stale resourceVersion');
        ok(/the object has been modified/.test(conflict.message), `conflict message: ${conflict.message}`);
        done('replaceNamespacedConfigMap, and 409 Conflict for a stale one');

        step = 'delete configmap';
        const st = await core.deleteNamespacedConfigMap({ name: 'app', namespace: ns });
        eqMap(st.status, 'Success', 'delete Status.status');
        eq(st.details && st.details.name, 'app', 'delete Status.details.name');
        await expectStatus(core.readNamespacedConfigMap({ name: 'app', namespace: ns }),
            404, 'NotFound', 'read after delete');
        done('deleteNamespacedConfigMap');

        step = 'delete namespace';
        await core.deleteNamespace({ name: ns });
        let gone = false;
        await waitFor(async () => {
            try {
                const n = await core.readNamespace({ name: ns });
                ok(n.metadata.deletionTimestamp, 'a namespace still there after delete has a deletionTimestamp');
                eq(n.status.phase, 'Terminating', 'phase of a deleted namespace');
                return false;
            } catch (e) {
                if (e instanceof ApiException && e.code === 404) return (gone = true);
                throw e;
            }
        }, 10000, `namespace ${ns} to go away`);
        ok(gone, 'namespace removed');
        done('deleteNamespace (then 404)');
    },

    // AppsV1Api: a Deployment, its defaults, its status and scale.
    async apps() {
        const ns = 'cn-apps';
        await ensureNamespace(ns);

        step = 'create deployment';
        const d = await apps.createNamespacedDeployment({
            namespace: ns,
            body: {
                metadata: { name: 'web', labels: { app: 'web' } },
                spec: {
                    replicas: 2,
                    selector: { matchLabels: { app: 'web' } },
                    template: {
                        metadata: { labels: { app: 'web' } },
                        spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
                    },
                },
            },
        });
        eq(d.metadata.generation, 1, 'generation of a new Deployment');
        eq(d.spec.replicas, 2, 'spec.replicas');
        eq(d.spec.strategy && d.spec.strategy.type, 'RollingUpdate', 'defaulted strategy.type');
        eq(d.spec.revisionHistoryLimit, 10, 'defaulted revisionHistoryLimit');
        done('createNamespacedDeployment (with server defaults)');

        step = 'read status';
        const s0 = await apps.readNamespacedDeploymentStatus({ name: 'web', namespace: ns });
        eq(s0.metadata.uid, d.metadata.uid, 'status read uid');
        eq(s0.kind, 'Deployment', 'the status subresource returns the Deployment');
        done('readNamespacedDeploymentStatus');

        step = 'patch status';
        const when = '2026-01-02T03:04:05Z';
        await apps.patchNamespacedDeploymentStatus({
            name: 'web', namespace: ns,
            body: {
                status: {
                    observedGeneration: 1, replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2,
                    conditions: [{
                        type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable',
                        message: 'ok', lastTransitionTime: when, lastUpdateTime: when,
                    }],
                },
            },
        }, asMerge);
        const s1 = await apps.readNamespacedDeploymentStatus({ name: 'web', namespace: ns });
        eq(s1.status.readyReplicas, 2, 'status.readyReplicas');
        eq(s1.status.observedGeneration, 1, 'status.observedGeneration');
        eq(s1.status.conditions.map((c) => `${c.type}=${c.status}`), ['Available=True'], 'status.conditions');
        const ltt = s1.status.conditions[0].lastTransitionTime;
        ok(ltt instanceof Date && ltt.toISOString() === '2026-01-02T03:04:05.000Z',
            `lastTransitionTime round-trips as a Date: ${show(ltt)}`);
        eq(s1.metadata.generation, 1, 'a status write leaves generation alone');
        done('patchNamespacedDeploymentStatus, then status read back');

        step = 'scale';
        const sc = await apps.readNamespacedDeploymentScale({ name: 'web', namespace: ns });
        eq(sc.kind, 'Scale', 'scale kind');
        eq(sc.apiVersion, 'autoscaling/v1', 'scale apiVersion');
        eq(sc.spec.replicas, 2, 'scale spec.replicas');
        await apps.patchNamespacedDeploymentScale(
            { name: 'web', namespace: ns, body: { spec: { replicas: 4 } } }, asMerge);
        const d2 = await apps.readNamespacedDeployment({ name: 'web', namespace: ns });
        eq(d2.spec.replicas, 4, 'replicas after a scale patch');
        eq(d2.metadata.generation, 2, 'generation after a scale patch');
        done('read and patch the scale subresource');

        step = 'list deployments';
        const dl = await apps.listNamespacedDeployment({ namespace: ns });
        eq(names(dl), ['web'], 'deployments in the namespace');
        done('listNamespacedDeployment');
    },

    // Label and field selectors, and paging, on lists.
    async selectors() {
        const ns = 'cn-sel';
        await ensureNamespace(ns);
        const mk = (name, labels) => core.createNamespacedConfigMap({
            namespace: ns, body: { metadata: { name, labels }, data: { n: name } },
        });
        await mk('a', { tier: 'web' });
        await mk('b', { tier: 'web', env: 'prod' });
        await mk('c', { tier: 'db' });
        await mk('d', {});

        const sel = async (labelSelector, fieldSelector) =>
            names(await core.listNamespacedConfigMap({ namespace: ns, labelSelector, fieldSelector }));

        step = 'equality';
        eq(await sel('tier=web'), ['a', 'b'], 'tier=web');
        eq(await sel('tier=web,env=prod'), ['b'], 'tier=web,env=prod');
        eq(await sel('tier!=web'), ['c', 'd'], 'tier!=web');
        done('equality label selectors');

        step = 'set-based';
        eq(await sel('tier in (web,db)'), ['a', 'b', 'c'], 'tier in (web,db)');
        eq(await sel('tier notin (web)'), ['c', 'd'], 'tier notin (web)');
        eq(await sel('!tier'), ['d'], '!tier');
        eq(await sel('env'), ['b'], 'env (exists)');
        done('set-based label selectors');

        step = 'field selector';
        eq(await sel(undefined, 'metadata.name=c'), ['c'], 'fieldSelector metadata.name=c');
        eq(await sel('tier=web', 'metadata.name!=a'), ['b'], 'label and field selector together');
        done('field selectors');

        step = 'paging';
        const seen = [];
        let token;
        let pages = 0;
        do {
            const page = await core.listNamespacedConfigMap({ namespace: ns, limit: 2, _continue: token });
            ok(page.items.length <= 2, `a page holds at most 2 items: ${page.items.length}`);
            seen.push(...page.items.map((o) => o.metadata.name));
            token = page.metadata._continue;
            pages++;
            ok(pages <= 10, 'paging ends');
        } while (token);
        eq(seen.sort(), ['a', 'b', 'c', 'd'], 'every item over all pages');
        done(`paging with limit=2 (${pages} pages)`);
    },

    // Server-side apply through the generic KubernetesObjectApi.
    async apply() {
        const ns = 'cn-ssa';
        await ensureNamespace(ns);
        const ssa = (obj, manager, force) =>
            objects.patch(obj, undefined, undefined, manager, force, PatchStrategy.ServerSideApply);
        const cm = (data) => ({
            apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: ns }, data,
        });

        step = 'apply creates';
        const a1 = await ssa(cm({ a: '1' }), 'cn-apply');
        eqMap(a1.data, { a: '1' }, 'data after the first apply');
        const mf = (a1.metadata.managedFields || []).map((f) => `${f.manager}/${f.operation}`);
        eq(mf, ['cn-apply/Apply'], 'managedFields after the first apply');
        done('apply creates the object, owned by the field manager');

        step = 'apply updates';
        const a2 = await ssa(cm({ a: '1', b: '2' }), 'cn-apply');
        eqMap(a2.data, { a: '1', b: '2' }, 'data after the second apply');
        eq(a2.metadata.uid, a1.metadata.uid, 'same object');
        done('apply updates');

        step = 'apply conflict';
        const body = await expectStatus(ssa(cm({ a: '9' }), 'other'), 409, 'Conflict',
            'apply of a field another manager owns');
        ok(/conflict with "cn-apply"/.test(body.message), `conflict message names the owner: ${body.message}`);
        ok(body.details && body.details.causes && body.details.causes.some(
            (c) => c.reason === 'FieldManagerConflict' && c.field === '.data.a'),
        `conflict causes: ${show(body.details)}`);
        done('a conflicting apply is 409 with FieldManagerConflict on .data.a');

        step = 'apply force';
        const a3 = await ssa(cm({ a: '9' }), 'other', true);
        eqMap(a3.data, { a: '9', b: '2' }, 'data after a forced apply');
        done('force=true takes the field');

        step = 'apply removes';
        const a4 = await ssa(cm({ a: '9' }), 'cn-apply');
        eqMap(a4.data, { a: '9' }, 'data after cn-apply drops b from its config');
        done('a field dropped from the config is removed');

        step = 'apply deployment';
        const dep = {
            apiVersion: 'apps/v1', kind: 'Deployment',
            metadata: { name: 'ssa-web', namespace: ns },
            spec: {
                replicas: 1,
                selector: { matchLabels: { app: 'ssa-web' } },
                template: {
                    metadata: { labels: { app: 'ssa-web' } },
                    spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
                },
            },
        };
        const d1 = await ssa(dep, 'cn-apply');
        eq(d1.kind, 'Deployment', 'applied kind');
        eq(d1.spec.replicas, 1, 'applied replicas');
        dep.spec.template.spec.containers[0].image = 'nginx:1.28';
        const d2 = await ssa(dep, 'cn-apply');
        eq(d2.spec.template.spec.containers[0].image, 'nginx:1.28', 'image after re-apply');
        eq(d2.metadata.generation, 2, 'generation after a spec change');
        done('apply of an apps/v1 Deployment');

        step = 'generic read, list, replace, delete';
        const r = await objects.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: ns } });
        eqMap(r.data, { a: '9' }, 'generic read');
        const l = await objects.list('v1', 'ConfigMap', ns);
        eq(names(l), ['applied'], 'generic list');
        r.data.z = '26';
        const rep = await objects.replace(r);
        eqMap(rep.data, { a: '9', z: '26' }, 'generic replace');
        const ld = await objects.list('apps/v1', 'Deployment', ns);
        eq(names(ld), ['ssa-web'], 'generic list of deployments');
        await objects.delete({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: ns } });
        await expectStatus(objects.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: ns } }),
            404, 'NotFound', 'generic read after delete');
        done('KubernetesObjectApi read/list/replace/delete');
    },

    // Watch: events for this script's own changes, in order.
    async watch() {
        const ns = 'cn-watch';
        await ensureNamespace(ns);
        const w = new Watch(kc);

        // start a watch; collect events; resolve `ended` when the stream ends.
        const open = async (query) => {
            const events = [];
            let endedWith;
            const ended = new Promise((resolve) => {
                endedWith = resolve;
            });
            const ctl = await w.watch(`/api/v1/namespaces/${ns}/configmaps`, query,
                (type, obj) => events.push({ type, obj }),
                (err) => endedWith(err === undefined ? null : err));
            return { events, ended, ctl };
        };

        step = 'ADDED, MODIFIED, DELETED';
        const rv = (await core.listNamespacedConfigMap({ namespace: ns })).metadata.resourceVersion;
        ok(rv, 'list resourceVersion to watch from');
        const a = await open({ resourceVersion: rv });
        await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'w1' }, data: { v: '1' } } });
        await core.patchNamespacedConfigMap({ name: 'w1', namespace: ns, body: { data: { v: '2' } } }, asMerge);
        await core.deleteNamespacedConfigMap({ name: 'w1', namespace: ns });
        await waitFor(() => a.events.length >= 3, 10000,
            () => `3 watch events (have ${show(a.events.map((e) => e.type))})`);
        await sleep(200); // anything extra would arrive now
        a.ctl.abort();
        eq(a.events.map((e) => `${e.type} ${e.obj.metadata.name}`),
            ['ADDED w1', 'MODIFIED w1', 'DELETED w1'], 'watch events');
        eq(a.events[0].obj.data, { v: '1' }, 'ADDED object data');
        eq(a.events[1].obj.data, { v: '2' }, 'MODIFIED object data');
        eq(a.events[0].obj.kind, 'ConfigMap', 'event object kind');
        const rvs = a.events.map((e) => Number(e.obj.metadata.resourceVersion));
        ok(rvs[0] > Number(rv) && rvs[0] < rvs[1] && rvs[1] < rvs[2],
            `event resourceVersions increase past the list's ${rv}: ${show(rvs)}`);
        done('ADDED, MODIFIED, DELETED in order, with increasing resourceVersions');

        step = 'initial state';
        await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'w2', labels: { pick: 'yes' } } } });
        const b = await open({});
        await waitFor(() => b.events.length >= 1, 5000, 'the synthetic ADDED for w2');
        b.ctl.abort();
        eq(b.events.map((e) => `${e.type} ${e.obj.metadata.name}`), ['ADDED w2'],
            'a watch without resourceVersion starts with the current objects');
        done('a watch without resourceVersion replays current state as ADDED');

        step = 'label selector';
        const rv2 = (await core.listNamespacedConfigMap({ namespace: ns })).metadata.resourceVersion;
        const c = await open({ resourceVersion: rv2, labelSelector: 'pick=yes' });
        await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'w3', labels: { pick: 'no' } } } });
        await core.patchNamespacedConfigMap(
            { name: 'w3', namespace: ns, body: { metadata: { labels: { pick: 'yes' } } } }, asMerge);
        await core.patchNamespacedConfigMap(
            { name: 'w2', namespace: ns, body: { metadata: { labels: { pick: 'no' } } } }, asMerge);
        await waitFor(() => c.events.length >= 2, 5000,
            () => `2 selected watch events (have ${show(c.events.map((e) => e.type))})`);
        await sleep(200);
        c.ctl.abort();
        eq(c.events.map((e) => `${e.type} ${e.obj.metadata.name}`), ['ADDED w3', 'DELETED w2'],
            'an object that starts matching is ADDED, one that stops is DELETED');
        done('selector watches turn label changes into ADDED/DELETED');

        step = 'server timeout';
        const t0 = Date.now();
        const d = await open({ timeoutSeconds: 1 });
        const err = await Promise.race([d.ended, sleep(5000).then(() => 'still open')]);
        eq(err, null, 'the done callback after timeoutSeconds=1 (null means a clean end)');
        ok(Date.now() - t0 < 4000, `the stream ended near 1 s (${Date.now() - t0} ms)`);
        done('timeoutSeconds ends the stream cleanly');
    },

    // The pod-template defaults kube-apiserver fills in (SetDefaults_PodSpec,
    // _Container, _ContainerPort). client-node needs none of them, but a
    // client reading them back sees the difference. Known failure in
    // t0009: cfluxd does not apply them (see the comment there).
    async podDefaults() {
        const ns = 'cn-pod-defaults';
        await ensureNamespace(ns);

        step = 'pod template defaults';
        const d = await apps.createNamespacedDeployment({
            namespace: ns,
            body: {
                metadata: { name: 'web' },
                spec: {
                    selector: { matchLabels: { app: 'web' } },
                    template: {
                        metadata: { labels: { app: 'web' } },
                        spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
                    },
                },
            },
        });
        const pod = d.spec.template.spec;
        const c = pod.containers[0];
        eq({
            protocol: c.ports[0].protocol,
            imagePullPolicy: c.imagePullPolicy,
            terminationMessagePath: c.terminationMessagePath,
            terminationMessagePolicy: c.terminationMessagePolicy,
            restartPolicy: pod.restartPolicy,
            dnsPolicy: pod.dnsPolicy,
            schedulerName: pod.schedulerName,
            terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds,
        }, {
            protocol: 'TCP',
            imagePullPolicy: 'IfNotPresent',
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            restartPolicy: 'Always',
            dnsPolicy: 'ClusterFirst',
            schedulerName: 'default-scheduler',
            terminationGracePeriodSeconds: 30,
        }, 'pod template defaults');
        done('the pod template carries kube-apiserver\'s defaults');
    },

    // Errors: the Status body client-node hands back.
    async errors() {
        step = 'missing configmap';
        const nf = await expectStatus(core.readNamespacedConfigMap({ name: 'missing', namespace: 'default' }),
            404, 'NotFound', 'read of a missing configmap');
        eq(nf.message, 'configmaps "missing" not found', 'NotFound message');
        eq(nf.details && nf.details.name, 'missing', 'details.name');
        eq(nf.details && nf.details.kind, 'configmaps', 'details.kind (the resource plural)');
        done('404 NotFound with the Status body');

        step = 'missing deployment';
        const nd = await expectStatus(apps.readNamespacedDeployment({ name: 'nope', namespace: 'default' }),
            404, 'NotFound', 'read of a missing deployment');
        eq(nd.message, 'deployments.apps "nope" not found', 'NotFound message of a grouped resource');
        eq(nd.details && nd.details.group, 'apps', 'details.group');
        done('404 for a grouped resource names the group');

        step = 'missing namespace';
        const nn = await expectStatus(core.createNamespacedConfigMap({
            namespace: 'no-such-ns', body: { metadata: { name: 'x' } },
        }), 404, 'NotFound', 'create in a missing namespace');
        eq(nn.message, 'namespaces "no-such-ns" not found', 'missing namespace message');
        done('create in a missing namespace is 404');

        step = 'already exists';
        await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dup' } } });
        const ae = await expectStatus(core.createNamespacedConfigMap({
            namespace: 'default', body: { metadata: { name: 'dup' } },
        }), 409, 'AlreadyExists', 'second create of the same name');
        eq(ae.message, 'configmaps "dup" already exists', 'AlreadyExists message');
        done('409 AlreadyExists');

        step = 'invalid';
        const inv = await expectStatus(core.createNamespacedConfigMap({
            namespace: 'default', body: { metadata: { name: 'Bad_Name' } },
        }), 422, 'Invalid', 'create with an invalid name');
        ok(inv.details && inv.details.causes && inv.details.causes.some((c) => c.field === 'metadata.name'),
            `422 causes name metadata.name: ${show(inv.details)}`);
        done('422 Invalid with causes');

        step = 'forbidden namespace delete';
        const fb = await expectStatus(core.deleteNamespace({ name: 'default' }), 403, 'Forbidden',
            'delete of the default namespace');
        ok(/may not be deleted/.test(fb.message), `message: ${fb.message}`);
        done('403 Forbidden');
    },

    // Known failure in t0009: for a create (POST to the collection) the
    // Status details of these errors lack the object's name; kube-apiserver
    // builds them with NewAlreadyExists(resource, name) / NewNotFound(...).
    async alreadyExistsDetails() {
        step = 'AlreadyExists details';
        const ns = 'cn-err-details';
        await ensureNamespace(ns);
        await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'dup' } } });
        const ae = await expectStatus(core.createNamespacedConfigMap({
            namespace: ns, body: { metadata: { name: 'dup' } },
        }), 409, 'AlreadyExists', 'second create of the same name');
        eqMap(ae.details, { name: 'dup', kind: 'configmaps' }, 'AlreadyExists details');
        done('AlreadyExists details name the object');
    },

    async missingNamespaceDetails() {
        step = 'missing namespace details';
        const nn = await expectStatus(core.createNamespacedConfigMap({
            namespace: 'no-such-ns', body: { metadata: { name: 'x' } },
        }), 404, 'NotFound', 'create in a missing namespace');
        eqMap(nn.details, { name: 'no-such-ns', kind: 'namespaces' }, 'NotFound details of the missing namespace');
        done('NotFound details name the missing namespace');
    },

    // CustomObjectsApi on the CRD the shell script created (gadgets.cn.example.com).
    async custom() {
        const ns = 'cn-cr';
        await ensureNamespace(ns);
        const where = { group: 'cn.example.com', version: 'v1', namespace: ns, plural: 'gadgets' };

        step = 'create';
        const g = await custom.createNamespacedCustomObject({
            ...where,
            body: { apiVersion: 'cn.example.com/v1', kind: 'Gadget', metadata: { name: 'g1' }, spec: { size: 2 } },
        });
        eq(g.kind, 'Gadget', 'created kind');
        eq(g.apiVersion, 'cn.example.com/v1', 'created apiVersion');
        eqMap(g.spec, { size: 2, color: 'blue' }, 'spec with the schema default');
        eq(g.metadata.generation, 1, 'generation of a new CR');
        ok(g.metadata.uid, 'CR has a uid');
        done('createNamespacedCustomObject (with defaulting)');

        step = 'get';
        const r = await custom.getNamespacedCustomObject({ ...where, name: 'g1' });
        eq(r.metadata.uid, g.metadata.uid, 'get uid');
        eqMap(r.spec, { size: 2, color: 'blue' }, 'get spec');
        done('getNamespacedCustomObject');

        step = 'list';
        const l = await custom.listNamespacedCustomObject({ ...where });
        eq(l.kind, 'GadgetList', 'list kind');
        eq(l.apiVersion, 'cn.example.com/v1', 'list apiVersion');
        eq(names(l), ['g1'], 'listed names');
        done('listNamespacedCustomObject');

        step = 'merge patch';
        const p = await custom.patchNamespacedCustomObject(
            { ...where, name: 'g1', body: { spec: { size: 3 } } }, asMerge);
        eqMap(p.spec, { size: 3, color: 'blue' }, 'spec after merge patch');
        eq(p.metadata.generation, 2, 'generation after a spec patch');
        done('patchNamespacedCustomObject (merge)');

        step = 'json patch';
        const jp = await custom.patchNamespacedCustomObject({
            ...where, name: 'g1', body: [{ op: 'replace', path: '/spec/color', value: 'red' }],
        });
        eqMap(jp.spec, { size: 3, color: 'red' }, 'spec after JSON patch');
        done('patchNamespacedCustomObject (JSON patch, the default content type)');

        step = 'replace';
        jp.spec.size = 4;
        const rp = await custom.replaceNamespacedCustomObject({ ...where, name: 'g1', body: jp });
        eqMap(rp.spec, { size: 4, color: 'red' }, 'spec after replace');
        delete jp.metadata.resourceVersion;
        const noRv = await expectStatus(custom.replaceNamespacedCustomObject({ ...where, name: 'g1', body: jp }),
            422, 'Invalid', 'replace of a CR without resourceVersion');
        ok(/must be specified for an update/.test(noRv.message), `message: ${noRv.message}`);
        done('replaceNamespacedCustomObject (and 422 without resourceVersion)');

        step = 'status';
        const st = await custom.patchNamespacedCustomObjectStatus(
            { ...where, name: 'g1', body: { status: { phase: 'Ready' } } }, asMerge);
        eqMap(st.status, { phase: 'Ready' }, 'status after a status patch');
        eq(st.metadata.generation, rp.metadata.generation, 'a status write leaves generation alone');
        done('patchNamespacedCustomObjectStatus');

        step = 'validation';
        const bad = await expectStatus(custom.createNamespacedCustomObject({
            ...where,
            body: { apiVersion: 'cn.example.com/v1', kind: 'Gadget', metadata: { name: 'g2' }, spec: { size: 0 } },
        }), 422, 'Invalid', 'create that violates minimum: 1');
        ok(/spec\.size/.test(bad.message), `message names spec.size: ${bad.message}`);
        done('schema validation is 422 Invalid');

        step = 'delete';
        const del = await custom.deleteNamespacedCustomObject({ ...where, name: 'g1' });
        eq(del.status, 'Success', 'delete Status.status');
        const nf = await expectStatus(custom.getNamespacedCustomObject({ ...where, name: 'g1' }),
            404, 'NotFound', 'get after delete');
        eq(nf.message, 'gadgets.cn.example.com "g1" not found', 'NotFound message of a CR');
        done('deleteNamespacedCustomObject, then 404');
    },
};

const run = sections[section];
if (!run) {
    console.error(`unknown section ${section}; known: ${Object.keys(sections).join(' ')}`);
    process.exit(2);
}
try {
    await run();
} catch (e) {
    if (e instanceof CheckFailure) {
        console.error(`FAIL [${section}/${step}]: ${e.message}`);
    } else if (e instanceof ApiException) {
        console.error(`FAIL [${section}/${step}]: unexpected API error ${e.code}: ${show(e.body)}`);
    } else {
        console.error(`FAIL [${section}/${step}]: ${e && e.stack ? e.stack : e}`);
    }
    process.exit(1);
}
// A watch left open would keep node alive; every section is done here.
process.exit(0);
