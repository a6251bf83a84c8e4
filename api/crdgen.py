#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generate api/<group>.yaml: the Flux CustomResourceDefinitions cflux serves.

The schemas are written from the field tables of the Flux v2.9 API reference
(names, types, enums, patterns, defaults, required lists, print columns).
Edit this file, not the YAML, then run: python3 api/crdgen.py

CEL rules (x-kubernetes-validations) of the upstream CRDs are left out: the
server does not evaluate CEL yet.
"""
import os
import sys

import yaml

INTERVAL = r'^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$'
TIMEOUT = r'^([0-9]+(\.[0-9]+)?(ms|s|m))+$'


def s(desc=None, **kw):
    return _d({'type': 'string'}, desc, kw)


def b(desc=None, **kw):
    return _d({'type': 'boolean'}, desc, kw)


def i64(desc=None, **kw):
    return _d({'type': 'integer', 'format': 'int64'}, desc, kw)


def i32(desc=None, **kw):
    return _d({'type': 'integer'}, desc, kw)


def dt(desc=None):
    return s(desc, format='date-time')


def dur(desc=None, **kw):
    return s(desc, pattern=INTERVAL, **kw)


def tmo(desc=None, **kw):
    return s(desc, pattern=TIMEOUT, **kw)


def smap(desc=None):
    return _d({'type': 'object', 'additionalProperties': {'type': 'string'}},
              desc, {})


def arr(items, desc=None, **kw):
    return _d({'type': 'array', 'items': items}, desc, kw)


def obj(props, required=None, desc=None, **kw):
    d = {'type': 'object', 'properties': props}
    if required:
        d['required'] = sorted(required)
    return _d(d, desc, kw)


def enum(values, desc=None, **kw):
    return s(desc, enum=list(values), **kw)


def _d(d, desc, kw):
    out = {}
    if desc:
        out['description'] = desc
    out.update(d)
    out.update(kw)
    return out


def local_ref(desc='Reference to an object in the same namespace.'):
    return obj({'name': s('Name of the referent.')}, ['name'], desc)


def secret_key_ref(desc):
    return obj({'name': s('Name of the Secret.'),
                'key': s('Key in the Secret, when not specified an '
                         'implementation-specific default key is used.')},
               ['name'], desc)


def kind_ref(kinds=None, desc=None):
    return obj({'apiVersion': s('API version of the referent.'),
                'kind': enum(kinds, 'Kind of the referent.') if kinds
                else s('Kind of the referent.'),
                'name': s('Name of the referent.'),
                'namespace': s('Namespace of the referent, defaults to the '
                               'namespace of the referring object.')},
               ['kind', 'name'], desc)


def condition():
    return obj({
        'lastTransitionTime': dt('lastTransitionTime is the last time the '
                                 'condition transitioned from one status '
                                 'to another.'),
        'message': s('message is a human readable message indicating '
                     'details about the transition.', maxLength=32768),
        'observedGeneration': i64('observedGeneration represents the '
                                  '.metadata.generation that the condition '
                                  'was set based upon.', minimum=0),
        'reason': s('reason contains a programmatic identifier indicating '
                    'the reason for the condition\'s last transition.',
                    maxLength=1024, minLength=1,
                    pattern=r'^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$'),
        'status': enum(['True', 'False', 'Unknown'],
                       'status of the condition, one of True, False, '
                       'Unknown.'),
        'type': s('type of condition in CamelCase or in '
                  'foo.example.com/CamelCase.', maxLength=316,
                  pattern=r'^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]'
                          r'([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?'
                          r'[A-Za-z0-9])$'),
    }, ['lastTransitionTime', 'message', 'reason', 'status', 'type'],
        'Condition contains details for one aspect of the current state of '
        'this API Resource.')


def artifact(desc='Artifact represents the output of the last successful '
                  'reconciliation.'):
    return obj({
        'digest': s('Digest is the digest of the file in the form of '
                    '\'<algorithm>:<checksum>\'.',
                    pattern=r'^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$'),
        'lastUpdateTime': dt('LastUpdateTime is the timestamp corresponding '
                             'to the last update of the Artifact.'),
        'metadata': smap('Metadata holds upstream information such as OCI '
                         'annotations.'),
        'path': s('Path is the relative file path of the Artifact.'),
        'revision': s('Revision is a human-readable identifier traceable in '
                      'the origin source system.'),
        'size': i64('Size is the number of bytes in the file.'),
        'url': s('URL is the HTTP address of the Artifact as exposed by the '
                 'controller managing the Source.'),
    }, ['digest', 'lastUpdateTime', 'path', 'revision', 'url'], desc)


def status(props, desc=None, observed=True):
    """A Flux status: observedGeneration defaults to -1 so a fresh object is
    never current for kstatus. ExternalArtifact, written by third parties,
    has neither the field nor the default (observed=False)."""
    if not observed:
        base = {'conditions': arr(condition(), 'Conditions holds the '
                                  'conditions for the object.')}
        base.update(props)
        return obj(base, None, desc or 'The observed state of the object.')
    base = {
        'conditions': arr(condition(), 'Conditions holds the conditions '
                          'for the object.'),
        'lastHandledReconcileAt': s('LastHandledReconcileAt holds the value '
                                    'of the most recent reconcile request '
                                    'value, so a change of the annotation '
                                    'value can be detected.'),
        'observedGeneration': i64('ObservedGeneration is the last observed '
                                  'generation of the object.'),
    }
    base.update(props)
    d = obj(base, None, desc or 'The observed state of the object.')
    d['default'] = {'observedGeneration': -1}
    return d


def selector():
    return obj({
        'annotationSelector': s('AnnotationSelector is a string that '
                                'follows the label selection expression.'),
        'group': s('Group is the API group to select resources from.'),
        'kind': s('Kind of the API Group to select resources from.'),
        'labelSelector': s('LabelSelector is a string that follows the '
                           'label selection expression.'),
        'name': s('Name to match resources with.'),
        'namespace': s('Namespace to select resources from.'),
        'version': s('Version of the API Group to select resources from.'),
    }, None, 'Selector specifies a set of resources.')


def patch():
    return obj({'patch': s('Patch contains an inline StrategicMerge patch '
                           'or an inline JSON6902 patch with an array of '
                           'operation objects.'),
                'target': selector()}, ['patch'],
               'Patch contains an inline StrategicMerge or JSON6902 patch, '
               'and the target the patch should be applied to.')


def image():
    return obj({'digest': s('Digest is the value used to replace the '
                            'original image tag.'),
                'name': s('Name is a tag-less image name.'),
                'newName': s('NewName is the value used to replace the '
                             'original name.'),
                'newTag': s('NewTag is the value used to replace the '
                            'original tag.')}, ['name'],
               'Image contains an image name, a new name, a new tag or '
               'digest, which will replace the original name and tag.')


def common_metadata():
    return obj({'annotations': smap('Annotations to be added to the '
                                    'object\'s metadata.'),
                'labels': smap('Labels to be added to the object\'s '
                               'metadata.')}, None,
               'CommonMetadata specifies the common labels and annotations '
               'that are applied to all resources.')


def depends_on():
    return arr(obj({'name': s('Name of the referent.'),
                    'namespace': s('Namespace of the referent.'),
                    'readyExpr': s('ReadyExpr is a CEL expression that can '
                                   'be used to assess the readiness of a '
                                   'dependency.')}, ['name']),
               'DependsOn may contain a DependencyReference slice with '
               'references to objects that must be ready before this one.')


def health_check_exprs():
    return arr(obj({'apiVersion': s('APIVersion of the custom resource.'),
                    'current': s('Current is the CEL expression that '
                                 'determines if the status is Current.'),
                    'failed': s('Failed is the CEL expression that '
                                'determines if the status is Failed.'),
                    'inProgress': s('InProgress is the CEL expression '
                                    'that determines if the status is '
                                    'InProgress.'),
                    'kind': s('Kind of the custom resource.')},
                   ['apiVersion', 'current']),
               'HealthCheckExprs is a list of healthcheck expressions for '
               'evaluating the health of custom resources using CEL.')


def kubeconfig():
    return obj({'configMapRef': local_ref('ConfigMapRef holds an optional '
                                          'name of a ConfigMap that '
                                          'contains the provider '
                                          'configuration.'),
                'secretRef': secret_key_ref('SecretRef holds an optional '
                                            'name of a secret that contains '
                                            'a key with the kubeconfig '
                                            'file as the value.')}, None,
               'The KubeConfig for reconciling the object on a remote '
               'cluster.')


def inventory():
    return obj({'entries': arr(obj({'id': s('ID is the string '
                                            'representation of the '
                                            'Kubernetes resource object\'s '
                                            'metadata.'),
                                    'v': s('Version is the API version of '
                                           'the Kubernetes resource '
                                           'object\'s kind.')},
                                   ['id', 'v']),
                               'Entries of Kubernetes resource object '
                               'references.')}, ['entries'],
               'Inventory contains the list of Kubernetes resource object '
               'references that have been successfully applied.')


def access_from():
    return obj({'namespaceSelectors': arr(obj({'matchLabels': smap(
        'MatchLabels is a map of {key,value} pairs.')}),
        'NamespaceSelectors is the list of namespace selectors to which '
        'this ACL applies.')}, ['namespaceSelectors'],
        'AccessFrom specifies an Access Control List for allowing '
        'cross-namespace references to this object.')


def oidc_identity():
    return arr(obj({'issuer': s('Issuer specifies the regex pattern to '
                                'match against to verify the OIDC issuer.'),
                    'subject': s('Subject specifies the regex pattern to '
                                 'match against to verify the identity '
                                 'subject.')}, ['issuer', 'subject']),
               'MatchOIDCIdentity specifies the identity matching criteria '
               'to use while verifying an OCI artifact which was signed '
               'using Cosign keyless signing.')


def col(name, path, type_='string', priority=None, desc=None):
    c = {'jsonPath': path, 'name': name, 'type': type_}
    if priority:
        c['priority'] = priority
    if desc:
        c['description'] = desc
    return c


AGE = col('Age', '.metadata.creationTimestamp', 'date')
READY = col('Ready', '.status.conditions[?(@.type=="Ready")].status')
STATUS = col('Status', '.status.conditions[?(@.type=="Ready")].message')


def crd(group, kind, plural, version, spec, st, columns, short=None,
        category='fluxcd-sources', component='source-controller',
        desc=None):
    props = {
        'apiVersion': s('APIVersion defines the versioned schema of this '
                        'representation of an object.'),
        'kind': s('Kind is a string value representing the REST resource '
                  'this object represents.'),
        'metadata': {'type': 'object'},
        'spec': spec,
    }
    if st is not None:
        props['status'] = st
    ver = {
        'additionalPrinterColumns': columns,
        'name': version,
        'schema': {'openAPIV3Schema': obj(props, None, desc or
                                          f'{kind} is the Schema for the '
                                          f'{plural} API.')},
        'served': True,
        'storage': True,
    }
    # Alert and Provider have no status; their CRDs still carry an empty
    # subresources map.
    ver['subresources'] = {'status': {}} if st is not None else {}
    names = {'categories': ['all', 'fluxcd', category], 'kind': kind,
             'listKind': kind + 'List', 'plural': plural,
             'singular': kind.lower()}
    if short:
        names['shortNames'] = short
    return {
        'apiVersion': 'apiextensions.k8s.io/v1',
        'kind': 'CustomResourceDefinition',
        'metadata': {
            'annotations': {'kustomize.toolkit.fluxcd.io/substitute':
                            'disabled'},
            'labels': {'app.kubernetes.io/component': component,
                       'app.kubernetes.io/part-of': 'flux'},
            'name': f'{plural}.{group}',
        },
        'spec': {'group': group, 'names': names, 'scope': 'Namespaced',
                 'versions': [ver]},
    }


# ---------------------------------------------------------------- source

SRC = 'source.toolkit.fluxcd.io'


def git_ref():
    return obj({'branch': s('Branch to check out, defaults to \'master\' '
                            'if no other field is defined.'),
                'commit': s('Commit SHA to check out, takes precedence '
                            'over all reference fields.'),
                'name': s('Name of the reference to check out; takes '
                          'precedence over Branch, Tag and SemVer.'),
                'semver': s('SemVer tag expression to check out, takes '
                            'precedence over Tag.'),
                'tag': s('Tag to check out, takes precedence over Branch.')},
               None, 'Reference specifies the Git reference to resolve and '
               'monitor for changes.')


def git_include():
    return obj({'fromPath': s('FromPath specifies the path to copy '
                              'contents from, defaults to the root of the '
                              'Artifact.'),
                'repository': local_ref('GitRepositoryRef specifies the '
                                        'GitRepository which Artifact '
                                        'contents must be included.'),
                'toPath': s('ToPath specifies the path to copy contents '
                            'to, defaults to the name of the '
                            'GitRepositoryRef.')}, ['repository'],
               'GitRepositoryInclude specifies a local reference to a '
               'GitRepository which Artifact is to be included.')


def gitrepository():
    spec = obj({
        'ignore': s('Ignore overrides the set of excluded patterns in the '
                    '.sourceignore format.'),
        'include': arr(git_include(), 'Include specifies a list of '
                       'GitRepository resources which Artifacts should be '
                       'included in the Artifact produced for this '
                       'GitRepository.'),
        'interval': dur('Interval at which the GitRepository URL is '
                        'checked for updates.'),
        'provider': enum(['generic', 'aws', 'azure', 'github'],
                         'Provider used for authentication, can be '
                         '\'aws\', \'azure\', \'github\', \'generic\'.'),
        'proxySecretRef': local_ref('ProxySecretRef specifies the Secret '
                                    'containing the proxy configuration.'),
        'recurseSubmodules': b('RecurseSubmodules enables the '
                               'initialization of all submodules.'),
        'ref': git_ref(),
        'secretRef': local_ref('SecretRef specifies the Secret containing '
                               'authentication credentials.'),
        'serviceAccountName': s('ServiceAccountName is the name of the '
                                'Kubernetes ServiceAccount used to '
                                'authenticate to the GitRepository.'),
        'sparseCheckout': arr(s(), 'SparseCheckout specifies a list of '
                              'directories to checkout.'),
        'suspend': b('Suspend tells the controller to suspend the '
                     'reconciliation of this GitRepository.'),
        'timeout': tmo('Timeout for Git operations like cloning, defaults '
                       'to 60s.', default='60s'),
        # file:// is a cflux addition: a local repository for the
        # embedded default and for development.
        'url': s('URL specifies the Git repository URL, it can be an HTTP/S '
                 'or SSH address, or a file:// path on the controller\'s '
                 'machine.', pattern=r'^(http|https|ssh|file)://.*$'),
        'verify': obj({'mode': enum(['HEAD', 'head', 'Tag', 'TagAndHEAD'],
                                    'Mode specifies which Git object(s) '
                                    'should be verified.', default='HEAD'),
                       'secretRef': local_ref('SecretRef specifies the '
                                              'Secret containing the '
                                              'public keys of trusted Git '
                                              'authors.')}, ['secretRef'],
                      'Verification specifies the configuration to verify '
                      'the Git commit signature(s).'),
    }, ['interval', 'url'], 'GitRepositorySpec specifies the required '
        'configuration to produce an Artifact for a Git repository.')
    st = status({
        'artifact': artifact(),
        'includedArtifacts': arr(artifact(), 'IncludedArtifacts contains '
                                 'a list of the last successfully included '
                                 'Artifacts.'),
        'observedIgnore': s('ObservedIgnore is the observed exclusion '
                            'patterns used for constructing the source '
                            'artifact.'),
        'observedInclude': arr(git_include(), 'ObservedInclude is the '
                               'observed list of GitRepository resources '
                               'used to produce the current Artifact.'),
        'observedRecurseSubmodules': b('ObservedRecurseSubmodules is the '
                                       'observed resource submodules '
                                       'configuration.'),
        'observedSparseCheckout': arr(s(), 'ObservedSparseCheckout is the '
                                      'observed list of directories used '
                                      'to produce the current Artifact.'),
        'sourceVerificationMode': s('SourceVerificationMode is the last '
                                    'used verification mode.'),
    })
    return crd(SRC, 'GitRepository', 'gitrepositories', 'v1', spec, st,
               [col('URL', '.spec.url'), AGE, READY, STATUS], ['gitrepo'],
               desc='GitRepository is the Schema for the gitrepositories '
               'API.')


def ocirepository():
    spec = obj({
        'certSecretRef': local_ref('CertSecretRef can be given the name '
                                   'of a Secret containing either or both '
                                   'of a PEM-encoded client certificate '
                                   'and private key, and a CA '
                                   'certificate.'),
        'ignore': s('Ignore overrides the set of excluded patterns in the '
                    '.sourceignore format.'),
        'insecure': b('Insecure allows connecting to a non-TLS HTTP '
                      'container registry.'),
        'interval': dur('Interval at which the OCIRepository URL is '
                        'checked for updates.'),
        'layerSelector': obj({
            'mediaType': s('MediaType specifies the OCI media type of the '
                           'layer which should be extracted.'),
            'operation': enum(['extract', 'copy'], 'Operation specifies '
                              'how the selected layer should be '
                              'processed.')}, None,
            'LayerSelector specifies which layer should be extracted from '
            'the OCI artifact.'),
        'provider': enum(['generic', 'aws', 'azure', 'gcp'],
                         'The provider used for authentication.',
                         default='generic'),
        'proxySecretRef': local_ref('ProxySecretRef specifies the Secret '
                                    'containing the proxy configuration.'),
        'ref': obj({'digest': s('Digest is the image digest to pull, '
                                'takes precedence over SemVer.'),
                    'semver': s('SemVer is the range of tags to pull '
                                'selecting the latest within the range.'),
                    'semverFilter': s('SemverFilter is a regex pattern to '
                                      'filter the tags within the SemVer '
                                      'range.'),
                    'tag': s('Tag is the image tag to pull, defaults to '
                             'latest.')}, None,
                   'The OCI reference to pull and monitor for changes, '
                   'defaults to the latest tag.'),
        'secretRef': local_ref('SecretRef contains the secret name '
                               'containing the registry login credentials.'),
        'serviceAccountName': s('ServiceAccountName is the name of the '
                                'Kubernetes ServiceAccount used to '
                                'authenticate the image pull.'),
        'suspend': b('This flag tells the controller to suspend the '
                     'reconciliation of this source.'),
        'timeout': tmo('The timeout for remote OCI Repository operations '
                       'like pulling, defaults to 60s.', default='60s'),
        'url': s('URL is a reference to an OCI artifact repository hosted '
                 'on a remote container registry.', pattern=r'^oci://.*$'),
        'verify': obj({
            'matchOIDCIdentity': oidc_identity(),
            'provider': enum(['cosign', 'notation'], 'Provider specifies '
                             'the technology used to sign the OCI '
                             'Artifact.', default='cosign'),
            'secretRef': local_ref('SecretRef specifies the Kubernetes '
                                   'Secret containing the trusted public '
                                   'keys.'),
            'trustedRootSecretRef': local_ref('TrustedRootSecretRef '
                                              'specifies the Secret '
                                              'containing a Sigstore '
                                              'trusted_root.json.'),
        }, ['provider'], 'Verify contains the secret name containing the '
            'trusted public keys used to verify the signature.'),
    }, ['interval', 'url'], 'OCIRepositorySpec defines the desired state '
        'of OCIRepository.')
    st = status({
        'artifact': artifact(),
        'observedIgnore': s('ObservedIgnore is the observed exclusion '
                            'patterns used for constructing the source '
                            'artifact.'),
        'observedLayerSelector': obj({
            'mediaType': s('MediaType of the selected layer.'),
            'operation': enum(['extract', 'copy'],
                              'Operation on the selected layer.')}, None,
            'ObservedLayerSelector is the observed layer selector used for '
            'constructing the source artifact.'),
        'url': s('URL is the download link for the artifact output of the '
                 'last OCI Repository sync.'),
    })
    return crd(SRC, 'OCIRepository', 'ocirepositories', 'v1', spec, st,
               [col('URL', '.spec.url'), READY, STATUS, AGE], ['ocirepo'])


def helmrepository():
    spec = obj({
        'accessFrom': access_from(),
        'certSecretRef': local_ref('CertSecretRef can be given the name '
                                   'of a Secret containing either or both '
                                   'of a PEM-encoded client certificate '
                                   'and private key, and a CA '
                                   'certificate.'),
        'insecure': b('Insecure allows connecting to a non-TLS HTTP '
                      'container registry. This field is only taken into '
                      'account if the .spec.type field is set to \'oci\'.'),
        'interval': dur('Interval at which the HelmRepository URL is '
                        'checked for updates.'),
        'passCredentials': b('PassCredentials allows the credentials from '
                             'the SecretRef to be passed on to a host that '
                             'does not match the host as defined in URL.'),
        'provider': enum(['generic', 'aws', 'azure', 'gcp'],
                         'Provider used for authentication, can be '
                         '\'aws\', \'azure\', \'gcp\' or \'generic\'.',
                         default='generic'),
        'secretRef': local_ref('SecretRef specifies the Secret containing '
                               'authentication credentials for the '
                               'HelmRepository.'),
        'suspend': b('Suspend tells the controller to suspend the '
                     'reconciliation of this HelmRepository.'),
        'timeout': tmo('Timeout is used for the index fetch operation for '
                       'an HTTPS helm repository, and for remote OCI '
                       'Repository operations like pulling for an OCI '
                       'helm chart by the associated HelmChart.'),
        'type': enum(['default', 'oci'], 'Type of the HelmRepository.'),
        'url': s('URL of the Helm repository, a valid URL contains at '
                 'least a protocol and host.',
                 pattern=r'^(http|https|oci)://.*$'),
    }, ['url'], 'HelmRepositorySpec specifies the required configuration '
        'to produce an Artifact for a Helm repository index YAML.')
    st = status({
        'artifact': artifact(),
        'url': s('URL is the dynamic fetch link for the latest Artifact.'),
    })
    return crd(SRC, 'HelmRepository', 'helmrepositories', 'v1', spec, st,
               [col('URL', '.spec.url'), AGE, READY, STATUS], ['helmrepo'])


def chart_verify(oidc=True):
    props = {
        'provider': enum(['cosign', 'notation'], 'Provider specifies the '
                         'technology used to sign the OCI Artifact.',
                         default='cosign'),
        'secretRef': local_ref('SecretRef specifies the Kubernetes Secret '
                               'containing the trusted public keys.'),
    }
    if oidc:
        props['matchOIDCIdentity'] = oidc_identity()
    return obj(props, ['provider'], 'Verify contains the secret name '
               'containing the trusted public keys used to verify the '
               'signature.')


def helmchart():
    spec = obj({
        'chart': s('Chart is the name or path the Helm chart is available '
                   'at in the SourceRef.'),
        'ignoreMissingValuesFiles': b('IgnoreMissingValuesFiles controls '
                                      'whether to silently ignore missing '
                                      'values files rather than failing.'),
        'interval': dur('Interval at which the HelmChart SourceRef is '
                        'checked for updates.'),
        'reconcileStrategy': enum(['ChartVersion', 'Revision'],
                                  'ReconcileStrategy determines what '
                                  'enables the creation of a new artifact.',
                                  default='ChartVersion'),
        'sourceRef': obj({
            'apiVersion': s('APIVersion of the referent.'),
            'kind': enum(['HelmRepository', 'GitRepository', 'Bucket'],
                         'Kind of the referent.'),
            'name': s('Name of the referent.')}, ['kind', 'name'],
            'SourceRef is the reference to the Source the chart is '
            'available at.'),
        'suspend': b('Suspend tells the controller to suspend the '
                     'reconciliation of this source.'),
        'valuesFiles': arr(s(), 'ValuesFiles is an alternative list of '
                           'values files to use as the chart values.'),
        'verify': chart_verify(),
        'version': s('Version is the chart version semver expression, '
                     'ignored for charts from GitRepository and Bucket '
                     'sources. Defaults to latest when omitted.',
                     default='*'),
    }, ['chart', 'interval', 'sourceRef'], 'HelmChartSpec specifies the '
        'desired state of a Helm chart.')
    st = status({
        'artifact': artifact(),
        'observedChartName': s('ObservedChartName is the last observed '
                               'chart name as specified by the resolved '
                               'chart reference.'),
        'observedSourceArtifactRevision': s('ObservedSourceArtifactRevision '
                                            'is the last observed '
                                            'Artifact.Revision of the '
                                            'HelmChartSpec.SourceRef.'),
        'observedValuesFiles': arr(s(), 'ObservedValuesFiles are the '
                                   'observed value files of the last '
                                   'successful reconciliation.'),
        'url': s('URL is the dynamic fetch link for the latest Artifact.'),
    })
    return crd(SRC, 'HelmChart', 'helmcharts', 'v1', spec, st,
               [col('Chart', '.spec.chart'), col('Version', '.spec.version'),
                col('Source Kind', '.spec.sourceRef.kind'),
                col('Source Name', '.spec.sourceRef.name'), AGE, READY,
                STATUS], ['hc'])


def bucket():
    spec = obj({
        'bucketName': s('BucketName is the name of the object storage '
                        'bucket.'),
        'certSecretRef': local_ref('CertSecretRef can be given the name '
                                   'of a Secret containing either or both '
                                   'of a PEM-encoded client certificate '
                                   'and private key, and a CA '
                                   'certificate.'),
        'endpoint': s('Endpoint is the object storage address the '
                      'BucketName is located at.'),
        'ignore': s('Ignore overrides the set of excluded patterns in the '
                    '.sourceignore format.'),
        'insecure': b('Insecure allows connecting to a non-TLS HTTP '
                      'Endpoint.'),
        'interval': dur('Interval at which the Bucket Endpoint is checked '
                        'for updates.'),
        'prefix': s('Prefix to use for server-side filtering of files in '
                    'the Bucket.'),
        'provider': enum(['generic', 'aws', 'gcp', 'azure'], 'Provider of '
                         'the object storage bucket.', default='generic'),
        'proxySecretRef': local_ref('ProxySecretRef specifies the Secret '
                                    'containing the proxy configuration.'),
        'region': s('Region of the Endpoint where the BucketName is '
                    'located in.'),
        'secretRef': local_ref('SecretRef specifies the Secret containing '
                               'authentication credentials for the '
                               'Bucket.'),
        'serviceAccountName': s('ServiceAccountName is the name of the '
                                'Kubernetes ServiceAccount used to '
                                'authenticate with cloud provider '
                                'services.'),
        'sts': obj({
            'certSecretRef': local_ref('CertSecretRef for the STS '
                                       'endpoint.'),
            'endpoint': s('Endpoint is the HTTP/S endpoint of the Security '
                          'Token Service.', pattern=r'^(http|https)://.*$'),
            'provider': enum(['aws', 'ldap'], 'Provider of the Security '
                             'Token Service.'),
            'secretRef': local_ref('SecretRef specifies the Secret '
                                   'containing authentication credentials '
                                   'for the STS endpoint.')},
            ['endpoint', 'provider'], 'STS specifies the required '
            'configuration to use a Security Token Service for fetching '
            'temporary credentials.'),
        'suspend': b('Suspend tells the controller to suspend the '
                     'reconciliation of this Bucket.'),
        'timeout': tmo('Timeout for fetch operations, defaults to 60s.',
                       default='60s'),
    }, ['bucketName', 'endpoint', 'interval'], 'BucketSpec specifies the '
        'required configuration to produce an Artifact for an object '
        'storage bucket.')
    st = status({
        'artifact': artifact(),
        'observedIgnore': s('ObservedIgnore is the observed exclusion '
                            'patterns used for constructing the source '
                            'artifact.'),
        'url': s('URL is the dynamic fetch link for the latest Artifact.'),
    })
    return crd(SRC, 'Bucket', 'buckets', 'v1', spec, st,
               [col('Endpoint', '.spec.endpoint'), AGE, READY, STATUS])


def externalartifact():
    spec = obj({'sourceRef': kind_ref(None, 'SourceRef points to the '
                                      'Kubernetes custom resource for '
                                      'which the artifact is generated.')},
               None, 'ExternalArtifactSpec defines the desired state of '
               'ExternalArtifact.')
    st = status({'artifact': artifact()}, observed=False)
    return crd(SRC, 'ExternalArtifact', 'externalartifacts', 'v1', spec, st,
               [AGE, READY, STATUS,
                col('Source', '.spec.sourceRef.name')], ['ea'])


# ------------------------------------------------------------- kustomize

def kustomization():
    spec = obj({
        'buildMetadata': arr(enum(['originAnnotations',
                                   'transformerAnnotations']),
                             'BuildMetadata is a list of kustomize build '
                             'metadata options.'),
        'commonMetadata': common_metadata(),
        'components': arr(s(), 'Components specifies relative paths to '
                          'kustomize Components.'),
        'decryption': obj({
            'provider': enum(['sops'], 'Provider is the name of the '
                             'decryption engine.'),
            'secretRef': local_ref('The secret name containing the private '
                                   'OpenPGP keys used for decryption.'),
            'serviceAccountName': s('ServiceAccountName is the name of the '
                                    'service account used to authenticate '
                                    'with KMS services.')},
            ['provider'], 'Decrypt Kubernetes secrets before applying them '
            'on the cluster.'),
        'deletionPolicy': enum(['MirrorPrune', 'Delete',
                                'WaitForTermination', 'Orphan'],
                               'DeletionPolicy can be used to control '
                               'garbage collection when this Kustomization '
                               'is deleted.'),
        'dependsOn': depends_on(),
        'force': b('Force instructs the controller to recreate resources '
                   'when patching fails due to an immutable field change.',
                   default=False),
        'healthCheckExprs': health_check_exprs(),
        'healthChecks': arr(kind_ref(None), 'A list of resources to be '
                            'included in the health assessment.'),
        'ignore': arr(obj({'paths': arr(s(), 'Paths is a list of JSON '
                                        'Pointer paths to be excluded.'),
                           'target': selector()}, ['paths']),
                      'Ignore is a list of rules for excluding fields from '
                      'drift detection.'),
        'ignoreMissingComponents': b('IgnoreMissingComponents instructs '
                                     'the controller to ignore Components '
                                     'paths not found in source.'),
        'images': arr(image(), 'Images is a list of (image name, new name, '
                      'new tag or digest) for changing image names, tags '
                      'or digests.'),
        'interval': dur('The interval at which to reconcile the '
                        'Kustomization.'),
        'kubeConfig': kubeconfig(),
        'namePrefix': s('NamePrefix will prefix the names of all managed '
                        'resources.', maxLength=200, minLength=1),
        'nameSuffix': s('NameSuffix will suffix the names of all managed '
                        'resources.', maxLength=200, minLength=1),
        'patches': arr(patch(), 'Strategic merge and JSON patches, defined '
                       'as inline YAML objects, capable of targeting '
                       'objects based on kind, label and annotation '
                       'selectors.'),
        'path': s('Path to the directory containing the kustomization.yaml '
                  'file, or the set of plain YAMLs a kustomization.yaml '
                  'should be generated for.'),
        'postBuild': obj({
            'substitute': smap('Substitute holds a map of key/value pairs.'),
            'substituteFrom': arr(obj({
                'kind': enum(['Secret', 'ConfigMap'], 'Kind of the values '
                             'referent.'),
                'name': s('Name of the values referent.', maxLength=253,
                          minLength=1),
                'optional': b('Optional indicates whether the referenced '
                              'resource must exist.', default=False)},
                ['kind', 'name']), 'SubstituteFrom holds references to '
                'ConfigMaps and Secrets containing the variables.'),
            'substituteStrategy': enum(['WithVariables', 'Always'],
                                       'SubstituteStrategy controls when '
                                       'variable substitution runs.')},
            None, 'PostBuild describes which actions to perform on the YAML '
            'manifest generated by building the kustomize overlay.'),
        'prune': b('Prune enables garbage collection.'),
        'retryInterval': dur('The interval at which to retry a previously '
                             'failed reconciliation.'),
        'serviceAccountName': s('The name of the Kubernetes service account '
                                'to impersonate when reconciling this '
                                'Kustomization.'),
        'sourceRef': obj({
            'apiVersion': s('API version of the referent.'),
            'kind': enum(['OCIRepository', 'GitRepository', 'Bucket',
                          'ExternalArtifact'], 'Kind of the referent.'),
            'name': s('Name of the referent.'),
            'namespace': s('Namespace of the referent, defaults to the '
                           'namespace of the Kubernetes resource object '
                           'that contains the reference.')},
            ['kind', 'name'], 'Reference of the source where the '
            'kustomization file is.'),
        'suspend': b('This flag tells the controller to suspend subsequent '
                     'kustomize executions.'),
        'targetNamespace': s('TargetNamespace sets or overrides the '
                             'namespace in the kustomization.yaml file.',
                             maxLength=63, minLength=1),
        'timeout': dur('Timeout for validation, apply and health checking '
                       'operations.'),
        'wait': b('Wait instructs the controller to check the health of all '
                  'the reconciled resources.'),
    }, ['interval', 'prune', 'sourceRef'], 'KustomizationSpec defines the '
        'configuration to calculate the desired state from a Source using '
        'Kustomize.')
    st = status({
        'history': arr(obj({
            'digest': s('Digest is the checksum in the format '
                        '<algo>:<hex>.'),
            'firstReconciled': dt('FirstReconciled is the time when this '
                                  'revision was first reconciled.'),
            'lastReconciled': dt('LastReconciled is the time when this '
                                 'revision was last reconciled.'),
            'lastReconciledDuration': s('LastReconciledDuration is time it '
                                        'took to reconcile the resource.'),
            'lastReconciledStatus': s('LastReconciledStatus is the status '
                                      'of the last reconciliation.'),
            'metadata': smap('Metadata contains additional information '
                             'about the snapshot.'),
            'totalReconciliations': i64('TotalReconciliations is the total '
                                        'number of reconciliations.')},
            ['digest', 'firstReconciled', 'lastReconciled',
             'lastReconciledDuration', 'lastReconciledStatus',
             'totalReconciliations']),
            'History contains a set of snapshots of the last '
            'reconciliation attempts.'),
        'inventory': inventory(),
        'lastAppliedOriginRevision': s('The last successfully applied '
                                       'origin revision.'),
        'lastAppliedRevision': s('The last successfully applied revision.'),
        'lastAttemptedRevision': s('LastAttemptedRevision is the revision '
                                   'of the last reconciliation attempt.'),
    })
    return crd('kustomize.toolkit.fluxcd.io', 'Kustomization',
               'kustomizations', 'v1', spec, st, [AGE, READY, STATUS],
               ['ks'], 'fluxcd-appliers', 'kustomize-controller',
               'Kustomization is the Schema for the kustomizations API.')


# ------------------------------------------------------------------ helm

def remediation(upgrade):
    p = {'ignoreTestFailures': b('IgnoreTestFailures tells the controller '
                                 'to skip remediation when the Helm tests '
                                 'are run but fail.'),
         'remediateLastFailure': b('RemediateLastFailure tells the '
                                   'controller to remediate the last '
                                   'failure, when no retries remain.'),
         'retries': i32('Retries is the number of retries that should be '
                        'attempted on failures before bailing.')}
    if upgrade:
        p['strategy'] = enum(['rollback', 'uninstall'], 'Strategy to use '
                             'for failure remediation.')
    return obj(p, None, 'Remediation holds the remediation configuration.')


def strategy():
    return obj({'name': enum(['RemediateOnFailure', 'RetryOnFailure'],
                             'Name of the strategy.'),
                'retryInterval': dur('RetryInterval is the interval at '
                                     'which to retry a failed release.')},
               ['name'], 'Strategy defines the strategy to use when '
               'performing a Helm action.')


def helmrelease():
    common = {
        'disableHooks': b('DisableHooks prevents hooks from running.'),
        'disableWait': b('DisableWait disables the waiting for resources '
                         'to be ready.'),
        'disableWaitForJobs': b('DisableWaitForJobs disables waiting for '
                                'jobs to complete.'),
        'timeout': dur('Timeout is the time to wait for any individual '
                       'Kubernetes operation.'),
    }
    install = dict(common)
    install.update({
        'crds': enum(['Skip', 'Create', 'CreateReplace'], 'CRDs upgrade '
                     'CRDs from the Helm Chart\'s crds directory.'),
        'createNamespace': b('CreateNamespace tells the Helm install action '
                             'to create the HelmReleaseSpec.TargetNamespace '
                             'if it does not exist yet.'),
        'disableOpenAPIValidation': b('DisableOpenAPIValidation prevents '
                                      'validating rendered templates '
                                      'against the OpenAPI schema.'),
        'disableSchemaValidation': b('DisableSchemaValidation prevents '
                                     'validating the values against the '
                                     'JSON schema.'),
        'disableTakeOwnership': b('DisableTakeOwnership disables taking '
                                  'ownership of existing resources.'),
        'remediation': remediation(False),
        'replace': b('Replace tells the Helm install action to re-use the '
                     '\'ReleaseName\', but only if that name is a deleted '
                     'release which remains in the history.'),
        'serverSideApply': b('ServerSideApply enables server-side apply for '
                             'resources during install.'),
        'skipCRDs': b('SkipCRDs tells the Helm install action to not '
                      'install any CRDs. Deprecated.'),
        'strategy': strategy(),
    })
    upgrade = dict(common)
    upgrade.update({
        'chartNameChangeStrategy': enum(['Reinstall', 'InPlaceUpdate'],
                                        'What to do when the chart name '
                                        'changes.'),
        'cleanupOnFail': b('CleanupOnFail allows deletion of new resources '
                           'created during the Helm upgrade action when it '
                           'fails.'),
        'crds': enum(['Skip', 'Create', 'CreateReplace'], 'CRDs upgrade '
                     'CRDs from the Helm Chart\'s crds directory.'),
        'disableOpenAPIValidation': b('DisableOpenAPIValidation prevents '
                                      'validating rendered templates '
                                      'against the OpenAPI schema.'),
        'disableSchemaValidation': b('DisableSchemaValidation prevents '
                                     'validating the values against the '
                                     'JSON schema.'),
        'disableTakeOwnership': b('DisableTakeOwnership disables taking '
                                  'ownership of existing resources.'),
        'force': b('Force forces resource updates through a replacement '
                   'strategy.'),
        'preserveValues': b('PreserveValues will make Helm reuse the last '
                            'release\'s values and merge in overrides.'),
        'remediation': remediation(True),
        'serverSideApply': enum(['enabled', 'disabled', 'auto'],
                                'ServerSideApply enables server-side apply '
                                'for resources during upgrade.'),
        'strategy': strategy(),
    })
    rollback = dict(common)
    rollback.update({
        'cleanupOnFail': b('CleanupOnFail allows deletion of new resources '
                           'created during the Helm rollback action when '
                           'it fails.'),
        'force': b('Force forces resource updates through a replacement '
                   'strategy.'),
        'recreate': b('Recreate performs pod restarts. Deprecated.'),
        'serverSideApply': enum(['enabled', 'disabled', 'auto'],
                                'ServerSideApply enables server-side apply '
                                'for resources during rollback.'),
    })
    chart_template = obj({
        'metadata': obj({'annotations': smap('Annotations to add to the '
                                             'HelmChart.'),
                         'labels': smap('Labels to add to the HelmChart.')},
                        None, 'ObjectMeta holds the template for metadata '
                        'like labels and annotations.'),
        'spec': obj({
            'chart': s('The name or path the Helm chart is available at in '
                       'the SourceRef.', maxLength=2048, minLength=1),
            'ignoreMissingValuesFiles': b('IgnoreMissingValuesFiles '
                                          'controls whether to silently '
                                          'ignore missing values files.'),
            'interval': dur('Interval at which to check the v1.Source for '
                            'updates. Defaults to \'HelmReleaseSpec.'
                            'Interval\'.'),
            'reconcileStrategy': enum(['ChartVersion', 'Revision'],
                                      'Determines what enables the '
                                      'creation of a new artifact.',
                                      default='ChartVersion'),
            'sourceRef': obj({
                'apiVersion': s('APIVersion of the referent.'),
                'kind': enum(['HelmRepository', 'GitRepository', 'Bucket'],
                             'Kind of the referent.'),
                'name': s('Name of the referent.', maxLength=253,
                          minLength=1),
                'namespace': s('Namespace of the referent.', maxLength=63,
                               minLength=1)}, ['kind', 'name'],
                'The name and namespace of the v1.Source the chart is '
                'available at.'),
            'valuesFiles': arr(s(), 'Alternative list of values files to '
                               'use as the chart values.'),
            'verify': chart_verify(oidc=False),
            'version': s('Version semver expression, ignored for charts '
                         'from v1.GitRepository and v1beta2.Bucket sources.',
                         default='*'),
        }, ['chart', 'sourceRef'], 'Spec holds the template for the '
            'v1.HelmChartSpec for this HelmRelease.'),
    }, ['spec'], 'Chart defines the template of the v1.HelmChart that '
        'should be created for this HelmRelease.')
    spec = obj({
        'chart': chart_template,
        'chartRef': obj({
            'apiVersion': s('APIVersion of the referent.'),
            'kind': enum(['OCIRepository', 'HelmChart', 'ExternalArtifact'],
                         'Kind of the referent.'),
            'name': s('Name of the referent.', maxLength=253, minLength=1),
            'namespace': s('Namespace of the referent, defaults to the '
                           'namespace of the Kubernetes resource object '
                           'that contains the reference.', maxLength=63,
                           minLength=1)}, ['kind', 'name'],
            'ChartRef holds a reference to a source controller resource '
            'containing the Helm chart artifact.'),
        'commonMetadata': common_metadata(),
        'dependsOn': depends_on(),
        'driftDetection': obj({
            'ignore': arr(obj({'paths': arr(s(), 'Paths is a list of JSON '
                                            'Pointer paths to be '
                                            'excluded.'),
                               'target': selector()}, ['paths']),
                          'Ignore contains a list of rules for specifying '
                          'which changes to ignore during diffing.'),
            'mode': enum(['enabled', 'warn', 'disabled'], 'Mode defines how '
                         'differences should be handled between the Helm '
                         'manifest and the manifest currently applied to '
                         'the cluster.')}, None,
            'DriftDetection holds the configuration for detecting and '
            'handling differences between the manifest in the Helm storage '
            'and the resources currently existing in the cluster.'),
        'healthCheckExprs': health_check_exprs(),
        'install': obj(install, None, 'Install holds the configuration for '
                       'Helm install actions for this HelmRelease.'),
        'interval': dur('Interval at which to reconcile the Helm release.'),
        'kubeConfig': kubeconfig(),
        'maxHistory': i32('MaxHistory is the number of revisions saved by '
                          'Helm for this HelmRelease.'),
        'persistentClient': b('PersistentClient tells the controller to use '
                              'a persistent Kubernetes client for this '
                              'release.'),
        'postRenderStrategy': enum(['nohooks', 'combined', 'separate'],
                                   'PostRenderStrategy controls whether '
                                   'hook manifests go through the post '
                                   'renderers.'),
        'postRenderers': arr(obj({'kustomize': obj({
            'images': arr(image(), 'Images is a list of (image name, new '
                          'name, new tag or digest) for changing image '
                          'names, tags or digests.'),
            'patches': arr(patch(), 'Strategic merge and JSON patches, '
                           'defined as inline YAML objects, capable of '
                           'targeting objects based on kind, label and '
                           'annotation selectors.')}, None,
            'Kustomization to apply as PostRenderer.')}),
            'PostRenderers holds an array of Helm PostRenderers, which '
            'will be applied in order of their definition.'),
        'releaseName': s('ReleaseName used for the Helm release.',
                         maxLength=53, minLength=1),
        'rollback': obj(rollback, None, 'Rollback holds the configuration '
                        'for Helm rollback actions for this HelmRelease.'),
        'serviceAccountName': s('The name of the Kubernetes service account '
                                'to impersonate when reconciling this '
                                'HelmRelease.', maxLength=253, minLength=1),
        'storageNamespace': s('StorageNamespace used for the Helm storage.',
                              maxLength=63, minLength=1),
        'suspend': b('Suspend tells the controller to suspend reconciliation '
                     'for this HelmRelease.'),
        'targetNamespace': s('TargetNamespace to target when performing '
                             'operations for the HelmRelease.',
                             maxLength=63, minLength=1),
        'test': obj({
            'enable': b('Enable enables Helm test actions for this '
                        'HelmRelease after an Helm install or upgrade '
                        'action has been performed.'),
            'filters': arr(obj({'exclude': b('Exclude specifies whether '
                                             'the named test should be '
                                             'excluded.'),
                                'name': s('Name is the name of the test.',
                                          maxLength=253, minLength=1)},
                               ['name']), 'Filters is a list of tests to '
                           'run or exclude from running.'),
            'ignoreFailures': b('IgnoreFailures tells the controller to '
                                'skip remediation when the Helm tests are '
                                'run but fail.'),
            'timeout': dur('Timeout is the time to wait for any individual '
                           'Kubernetes operation during the performance of '
                           'a Helm test action.')}, None,
            'Test holds the configuration for Helm test actions for this '
            'HelmRelease.'),
        'timeout': dur('Timeout is the time to wait for any individual '
                       'Kubernetes operation (like Jobs for hooks) during '
                       'the performance of a Helm action.'),
        'uninstall': obj({
            'deletionPropagation': enum(['background', 'foreground',
                                         'orphan'], 'DeletionPropagation '
                                        'specifies the deletion propagation '
                                        'policy when a Helm uninstall is '
                                        'performed.', default='background'),
            'disableHooks': b('DisableHooks prevents hooks from running '
                              'during the Helm rollback action.'),
            'disableWait': b('DisableWait disables waiting for all the '
                             'resources to be deleted after a Helm '
                             'uninstall is performed.'),
            'keepHistory': b('KeepHistory tells Helm to remove all '
                             'associated resources and mark the release as '
                             'deleted, but retain the release history.'),
            'timeout': dur('Timeout is the time to wait for any individual '
                           'Kubernetes operation.')}, None,
            'Uninstall holds the configuration for Helm uninstall actions '
            'for this HelmRelease.'),
        'upgrade': obj(upgrade, None, 'Upgrade holds the configuration for '
                       'Helm upgrade actions for this HelmRelease.'),
        'values': {'description': 'Values holds the values for this Helm '
                   'release.', 'x-kubernetes-preserve-unknown-fields': True},
        'valuesFrom': arr(obj({
            'kind': enum(['Secret', 'ConfigMap'], 'Kind of the values '
                         'referent, valid values are (\'Secret\', '
                         '\'ConfigMap\').'),
            'literal': b('Literal makes the values at TargetPath be treated '
                         'as a literal string.'),
            'name': s('Name of the values referent.', maxLength=253,
                      minLength=1),
            'optional': b('Optional marks this ValuesReference as optional.'),
            'targetPath': s('TargetPath is the YAML dot notation path the '
                            'value should be merged at.', maxLength=250,
                            pattern=r'^([a-zA-Z0-9_\-.\\\/]|\[[0-9]{1,5}\])+$'),
            'valuesKey': s('ValuesKey is the data key where the values.yaml '
                           'or a specific value can be found at.',
                           maxLength=253, pattern=r'^[\-._a-zA-Z0-9]+$')},
            ['kind', 'name']), 'ValuesFrom holds references to resources '
            'containing Helm values for this HelmRelease.'),
        'waitStrategy': obj({'name': enum(['poller', 'legacy'], 'Name is '
                                          'the name of the wait strategy.')},
                            ['name'], 'WaitStrategy defines the strategy '
                            'used to wait for resources to be ready.'),
    }, ['interval'], 'HelmReleaseSpec defines the desired state of a Helm '
        'release.')
    snapshot = obj({
        'action': s('Action is the action that resulted in this snapshot '
                    'being created.'),
        'apiVersion': s('APIVersion is the API version of the Snapshot.'),
        'appVersion': s('AppVersion is the chart app version of the release '
                        'object in storage.'),
        'chartName': s('ChartName is the chart name of the release object '
                       'in storage.'),
        'chartVersion': s('ChartVersion is the chart version of the release '
                          'object in storage.'),
        'configDigest': s('ConfigDigest is the checksum of the config '
                          '(better known as "values") of the release '
                          'object in storage.'),
        'deleted': dt('Deleted is when the release was deleted.'),
        'digest': s('Digest is the checksum of the release object in '
                    'storage.'),
        'firstDeployed': dt('FirstDeployed is when the release was first '
                            'deployed.'),
        'lastDeployed': dt('LastDeployed is when the release was last '
                           'deployed.'),
        'name': s('Name is the name of the release.'),
        'namespace': s('Namespace is the namespace the release is deployed '
                       'to.'),
        'ociDigest': s('OCIDigest is the digest of the OCI artifact '
                       'associated with the release.'),
        'status': s('Status is the current state of the release.'),
        'testHooks': {'type': 'object', 'description': 'TestHooks is the '
                      'list of test hooks for the release as observed to '
                      'be run by the controller.',
                      'additionalProperties': obj({
                          'lastCompleted': dt('LastCompleted is the time '
                                              'the test hook last '
                                              'completed.'),
                          'lastStarted': dt('LastStarted is the time the '
                                            'test hook was last started.'),
                          'phase': s('Phase the test hook was observed to '
                                     'be in.')})},
        'version': i32('Version is the version of the release object in '
                       'storage.'),
    }, ['chartName', 'chartVersion', 'configDigest', 'digest',
        'firstDeployed', 'lastDeployed', 'name', 'namespace', 'status',
        'version'], 'Snapshot captures a point-in-time copy of the status '
        'information for a Helm release.')
    st = status({
        'failures': i64('Failures is the reconciliation failure count '
                        'against the latest desired state.'),
        'helmChart': s('HelmChart is the namespaced name of the HelmChart '
                       'resource created by the controller for the '
                       'HelmRelease.'),
        'history': arr(snapshot, 'History holds the history of Helm '
                       'releases performed for this HelmRelease.'),
        'installFailures': i64('InstallFailures is the install failure '
                               'count against the latest desired state.'),
        'inventory': inventory(),
        'lastAttemptedConfigDigest': s('LastAttemptedConfigDigest is the '
                                       'digest for the config (better '
                                       'known as "values") of the last '
                                       'reconciliation attempt.'),
        'lastAttemptedGeneration': i64('LastAttemptedGeneration is the last '
                                       'generation the controller attempted '
                                       'to reconcile.'),
        'lastAttemptedReleaseAction': enum(['install', 'upgrade'],
                                           'LastAttemptedReleaseAction is '
                                           'the last release action '
                                           'performed for this '
                                           'HelmRelease.'),
        'lastAttemptedReleaseActionDuration': s('Duration of the last '
                                                'attempted release '
                                                'action.'),
        'lastAttemptedRevision': s('LastAttemptedRevision is the Source '
                                   'revision of the last reconciliation '
                                   'attempt.'),
        'lastAttemptedRevisionDigest': s('LastAttemptedRevisionDigest is '
                                         'the digest of the last '
                                         'reconciliation attempt.'),
        'lastAttemptedValuesChecksum': s('Deprecated.'),
        'lastHandledForceAt': s('LastHandledForceAt holds the value of the '
                                'most recent force request value.'),
        'lastHandledResetAt': s('LastHandledResetAt holds the value of the '
                                'most recent reset request value.'),
        'lastReleaseRevision': i32('Deprecated.'),
        'observedCommonMetadataDigest': s('ObservedCommonMetadataDigest is '
                                          'the digest of the common '
                                          'metadata of the last successful '
                                          'reconciliation.'),
        'observedPostRenderersDigest': s('ObservedPostRenderersDigest is '
                                         'the digest for the post-renderers '
                                         'of the last successful '
                                         'reconciliation attempt.'),
        'storageNamespace': s('StorageNamespace is the namespace of the '
                              'Helm release storage for the current '
                              'release.', maxLength=63, minLength=1),
        'upgradeFailures': i64('UpgradeFailures is the upgrade failure '
                               'count against the latest desired state.'),
    })
    return crd('helm.toolkit.fluxcd.io', 'HelmRelease', 'helmreleases', 'v2',
               spec, st, [AGE, READY, STATUS], ['hr'], 'fluxcd-appliers',
               'helm-controller')


# ---------------------------------------------------------- notification

NOTIF = 'notification.toolkit.fluxcd.io'
EVENT_KINDS = ['Bucket', 'GitRepository', 'Kustomization', 'HelmRelease',
               'HelmChart', 'HelmRepository', 'ImageRepository',
               'ImagePolicy', 'ImageUpdateAutomation', 'OCIRepository',
               'ArtifactGenerator', 'ExternalArtifact']
PROVIDER_TYPES = ['slack', 'discord', 'msteams', 'rocket', 'generic',
                  'generic-hmac', 'github', 'gitlab', 'gitea', 'bitbucketserver',
                  'bitbucket', 'azuredevops', 'googlechat', 'googlepubsub',
                  'webex', 'sentry', 'azureeventhub', 'telegram', 'lark',
                  'matrix', 'opsgenie', 'alertmanager', 'grafana',
                  'githubdispatch', 'pagerduty', 'datadog', 'nats', 'zulip',
                  'otel', 'zoom', 'incident.io', 'githubpullrequestcomment',
                  'gitlabmergerequestcomment', 'giteapullrequestcomment']
RECEIVER_TYPES = ['generic', 'generic-hmac', 'generic-oidc', 'github',
                  'gitlab', 'bitbucket', 'harbor', 'dockerhub', 'quay',
                  'gcr', 'nexus', 'acr', 'cdevents']


def cross_ns_ref(kinds, extra=None):
    p = {'apiVersion': s('API version of the referent.'),
         'kind': enum(kinds, 'Kind of the referent.') if kinds
         else s('Kind of the referent.'),
         'matchLabels': smap('MatchLabels is a map of {key,value} pairs. '
                             'Only valid when name is \'*\'.'),
         'name': s('Name of the referent. If multiple resources are '
                   'targeted \'*\' may be set.', maxLength=253, minLength=1),
         'namespace': s('Namespace of the referent.', maxLength=253,
                        minLength=1)}
    if extra:
        p.update(extra)
    return obj(p, ['kind', 'name'], 'CrossNamespaceObjectReference contains '
               'enough information to let you locate the typed referenced '
               'object at cluster level.')


def alert():
    spec = obj({
        'eventMetadata': smap('EventMetadata is an optional field for '
                              'adding metadata to events dispatched by the '
                              'controller.'),
        'eventSeverity': enum(['info', 'error'], 'EventSeverity specifies '
                              'how to filter events based on severity.',
                              default='info'),
        'eventSources': arr(cross_ns_ref(EVENT_KINDS), 'EventSources '
                            'specifies how to filter events based on the '
                            'involved object kind, name and namespace.'),
        'exclusionList': arr(s(), 'ExclusionList specifies a list of Golang '
                             'regular expressions to be used for excluding '
                             'messages.'),
        'inclusionList': arr(s(), 'InclusionList specifies a list of Golang '
                             'regular expressions to be used for including '
                             'messages.'),
        'providerRef': local_ref('ProviderRef specifies which Provider this '
                                 'Alert should use.'),
        'summary': s('Summary holds a short description of the impact and '
                     'affected cluster. Deprecated.', maxLength=255),
        'suspend': b('Suspend tells the controller to suspend subsequent '
                     'events handling for this Alert.'),
    }, ['eventSources', 'providerRef'], 'AlertSpec defines an alerting rule '
        'for events involving a list of objects.')
    return crd(NOTIF, 'Alert', 'alerts', 'v1beta3', spec, None, [AGE],
               None, 'fluxcd-notifications', 'notification-controller')


def provider():
    spec = obj({
        'address': s('Address specifies the endpoint, in a generic sense, '
                     'to where alerts are sent.', maxLength=2048),
        'certSecretRef': local_ref('CertSecretRef specifies the Secret '
                                   'containing TLS certificates for secure '
                                   'communication.'),
        'channel': s('Channel specifies the destination channel where '
                     'events should be posted.', maxLength=2048),
        'commitStatusExpr': s('CommitStatusExpr is a CEL expression that '
                              'evaluates to a string value that can be used '
                              'to generate a custom commit status message.'),
        'interval': dur('Interval at which to reconcile the Provider with '
                        'its Secret references. Deprecated.'),
        'proxy': s('Proxy the HTTP/S address of the proxy server. '
                   'Deprecated.', maxLength=2048,
                   pattern=r'^(http|https)://.*$'),
        'proxySecretRef': local_ref('ProxySecretRef specifies the Secret '
                                    'containing the proxy configuration.'),
        'secretRef': local_ref('SecretRef specifies the Secret containing '
                               'the authentication credentials for this '
                               'Provider.'),
        'serviceAccountName': s('ServiceAccountName is the name of the '
                                'service account used to authenticate with '
                                'services from cloud providers.'),
        'suspend': b('Suspend tells the controller to suspend subsequent '
                     'events handling for this Provider.'),
        'timeout': tmo('Timeout for sending alerts to the Provider.'),
        'type': enum(PROVIDER_TYPES, 'Type specifies which Provider '
                     'implementation to use.'),
        'username': s('Username specifies the name under which events are '
                      'posted.', maxLength=2048),
    }, ['type'], 'ProviderSpec defines the desired state of the Provider.')
    return crd(NOTIF, 'Provider', 'providers', 'v1beta3', spec, None, [AGE],
               None, 'fluxcd-notifications', 'notification-controller')


def receiver():
    spec = obj({
        'events': arr(s(), 'Events specifies the list of event types to '
                      'handle, e.g. \'push\' for GitHub or \'Push Hook\' for '
                      'GitLab.'),
        'interval': dur('Interval at which to reconcile the Receiver with '
                        'its Secret references.', default='10m'),
        'oidcProviders': arr(obj({
            'audience': s('Audience is the expected audience of the token, '
                          'notification-controller when not set.'),
            'issuerURL': s('IssuerURL is the URL of the OIDC issuer.',
                           pattern=r'^https?://'),
            'validations': arr(obj({'expression': s('Expression is a CEL '
                                                    'expression.'),
                                    'message': s('Message is shown when '
                                                 'the expression is '
                                                 'false.')},
                                   ['expression', 'message']),
                               'Validations are CEL expressions that must '
                               'all be true.', minItems=1),
            'variables': arr(obj({'expression': s('Expression is a CEL '
                                                  'expression.'),
                                  'name': s('Name of the variable.')},
                                 ['expression', 'name']),
                             'Variables are CEL expressions evaluated over '
                             'the token claims.')},
            ['issuerURL', 'validations']),
            'OIDCProviders are the OIDC providers trusted by a '
            'generic-oidc Receiver.'),
        'resourceFilter': s('ResourceFilter is a CEL expression expected to '
                            'return a boolean that is evaluated for each '
                            'resource referenced in the Resources field.'),
        'resources': arr(cross_ns_ref(EVENT_KINDS, {
            'filter': s('Filter is a CEL expression evaluated for this '
                        'resource.')}), 'A list of resources to be '
            'notified about changes.'),
        'secretRef': local_ref('SecretRef specifies the Secret containing '
                               'the token used to validate the payload '
                               'authenticity.'),
        'suspend': b('Suspend tells the controller to suspend subsequent '
                     'events handling for this receiver.'),
        'type': enum(RECEIVER_TYPES, 'Type of webhook sender, used to '
                     'determine the validation procedure and payload '
                     'deserialization.'),
    }, ['resources', 'type'], 'ReceiverSpec defines the desired state of '
        'the Receiver.')
    st = status({'webhookPath': s('WebhookPath is the generated incoming '
                                  'webhook address in the format of '
                                  '\'/hook/sha256sum(token+name+namespace)'
                                  '\'.')})
    return crd(NOTIF, 'Receiver', 'receivers', 'v1', spec, st,
               [AGE, READY, STATUS], None, 'fluxcd-notifications',
               'notification-controller')


# ----------------------------------------------------------------- image

IMG = 'image.toolkit.fluxcd.io'


def imagerepository():
    spec = obj({
        'accessFrom': access_from(),
        'certSecretRef': local_ref('CertSecretRef can be given the name of '
                                   'a Secret containing either or both of '
                                   'a PEM-encoded client certificate and '
                                   'private key, and a CA certificate.'),
        'exclusionList': arr(s(), 'ExclusionList is a list of regex strings '
                             'used to exclude certain tags from being '
                             'stored in the database.', maxItems=25,
                             default=[r'^.*\.sig$']),
        'image': s('Image is the name of the image repository.'),
        'insecure': b('Insecure allows connecting to a non-TLS HTTP '
                      'container registry.'),
        'interval': dur('Interval is the length of time to wait between '
                        'scans of the image repository.'),
        'provider': enum(['generic', 'aws', 'azure', 'gcp'], 'The provider '
                         'used for authentication.', default='generic'),
        'proxySecretRef': local_ref('ProxySecretRef specifies the Secret '
                                    'containing the proxy configuration.'),
        'secretRef': local_ref('SecretRef can be given the name of a secret '
                               'containing credentials to use for the image '
                               'registry.'),
        'serviceAccountName': s('ServiceAccountName is the name of the '
                                'Kubernetes ServiceAccount used to '
                                'authenticate the image pull.',
                                maxLength=253),
        'suspend': b('This flag tells the controller to suspend subsequent '
                     'image scans.'),
        'timeout': tmo('Timeout for image scanning. Defaults to '
                       '\'Interval\' duration.'),
    }, ['image', 'interval'], 'ImageRepositorySpec defines the parameters '
        'for scanning an image repository.')
    st = status({
        'canonicalImageName': s('CanonicalName is the name of the image '
                                'repository with all the implied bits made '
                                'explicit.'),
        'lastScanResult': obj({
            'latestTags': arr(s(), 'LatestTags is a small sample of the '
                              'tags found in the last scan.'),
            'revision': s('Revision is a stable hash of the scanned tags.'),
            'scanTime': dt('ScanTime is the time when the last scan was '
                           'performed.'),
            'tagCount': i32('TagCount is the number of tags found in the '
                            'last scan.')}, ['tagCount'],
            'LastScanResult contains the number of fetched tags.'),
        'observedExclusionList': arr(s(), 'ObservedExclusionList is a list '
                                     'of observed exclusion list.'),
    })
    return crd(IMG, 'ImageRepository', 'imagerepositories', 'v1', spec, st,
               [col('Image', '.spec.image'),
                col('Tags', '.status.lastScanResult.tagCount', 'integer'),
                READY, STATUS,
                col('Last scan', '.status.lastScanResult.scanTime', 'date',
                    1), AGE],
               ['imgrepo', 'imagerepo'], 'fluxcd-images',
               'image-reflector-controller')


def image_ref(desc):
    return obj({'digest': s('Digest is the image\'s digest.'),
                'name': s('Name is the bare image\'s name.'),
                'tag': s('Tag is the image\'s tag.')}, ['name', 'tag'], desc)


def imagepolicy():
    spec = obj({
        'digestReflectionPolicy': enum(['Never', 'IfNotPresent', 'Always'],
                                       'DigestReflectionPolicy governs the '
                                       'setting of the .status.latestRef.'
                                       'digest field.', default='Never'),
        'filterTags': obj({
            'extract': s('Extract allows a capture group to be extracted '
                         'from the specified regular expression pattern.'),
            'pattern': s('Pattern specifies a regular expression pattern '
                         'used to filter for image tags.')}, None,
            'FilterTags enables filtering for only a subset of tags based '
            'on a set of rules.'),
        'imageRepositoryRef': obj({
            'name': s('Name of the referent.'),
            'namespace': s('Namespace of the referent, when not specified it '
                           'acts as LocalObjectReference.')}, ['name'],
            'ImageRepositoryRef points at the object specifying the image '
            'being scanned.'),
        'interval': dur('Interval is the length of time to wait between '
                        'refreshing the digest of the latest tag when the '
                        'reflection policy is set to "Always".'),
        'policy': obj({
            'alphabetical': obj({'order': enum(['asc', 'desc'], 'Order '
                                               'specifies the sorting '
                                               'order of the tags.',
                                               default='asc')}, None,
                                'Alphabetical set of rules to use for '
                                'alphabetical ordering of the tags.'),
            'numerical': obj({'order': enum(['asc', 'desc'], 'Order '
                                            'specifies the sorting order of '
                                            'the tags.', default='asc')},
                             None, 'Numerical set of rules to use for '
                             'numerical ordering of the tags.'),
            'semver': obj({'range': s('Range gives a semver range for the '
                                      'image tag.')}, ['range'],
                          'SemVer gives a semantic version range to check '
                          'against the tags available.')}, None,
            'Policy gives the particulars of the policy to be followed in '
            'selecting the most recent image.'),
        'suspend': b('This flag tells the controller to suspend subsequent '
                     'policy reconciliations.'),
    }, ['imageRepositoryRef', 'policy'], 'ImagePolicySpec defines the '
        'parameters for calculating the ImagePolicy.')
    st = status({
        'latestRef': image_ref('LatestRef gives the first in the list of '
                               'images scanned by the image repository, '
                               'when filtered and ordered according to the '
                               'policy.'),
        'observedPreviousRef': image_ref('ObservedPreviousRef is the '
                                         'observed previous LatestRef.'),
    })
    return crd(IMG, 'ImagePolicy', 'imagepolicies', 'v1', spec, st,
               [col('Image', '.status.latestRef.name'),
                col('Tag', '.status.latestRef.tag'), READY, STATUS, AGE],
               ['imgpol', 'imagepol'], 'fluxcd-images',
               'image-reflector-controller')


def imageupdateautomation():
    label_selector = obj({
        'matchExpressions': arr(obj({
            'key': s('key is the label key that the selector applies to.'),
            'operator': s('operator represents a key\'s relationship to a '
                          'set of values.'),
            'values': arr(s(), 'values is an array of string values.')},
            ['key', 'operator']), 'matchExpressions is a list of label '
            'selector requirements.'),
        'matchLabels': smap('matchLabels is a map of {key,value} pairs.')},
        None, 'PolicySelector allows to filter applied policies based on '
        'labels.', **{'x-kubernetes-map-type': 'atomic'})
    spec = obj({
        'git': obj({
            'checkout': obj({'ref': git_ref()}, ['ref'], 'Checkout gives '
                            'the parameters for cloning the git repository, '
                            'ready to make changes.'),
            'commit': obj({
                'author': obj({'email': s('Email gives the email to provide '
                                          'when making a commit.'),
                               'name': s('Name gives the name to provide '
                                         'when making a commit.')},
                              ['email'], 'Author gives the email and '
                              'optionally the name to use as the author of '
                              'commits.'),
                'messageTemplate': s('MessageTemplate provides a template '
                                     'for the commit message.'),
                'messageTemplateValues': smap('MessageTemplateValues '
                                              'provides additional values '
                                              'to be available to the '
                                              'templating rendering.'),
                'signingKey': obj({
                    'secretRef': local_ref('SecretRef holds the name to a '
                                           'secret that contains the '
                                           'signing key.'),
                    'type': enum(['gpg', 'ssh'], 'Type of the signing key, '
                                 'gpg when not set.')}, ['secretRef'],
                    'SigningKey provides the option to sign commits with a '
                    'GPG or SSH key.')}, ['author'],
                'Commit specifies how to commit to the git repository.'),
            'push': obj({
                'branch': s('Branch specifies that commits should be pushed '
                            'to the branch named.'),
                'options': smap('Options specifies the push options that '
                                'are sent to the Git server when performing '
                                'a push operation.'),
                'refspec': s('Refspec specifies the Git Refspec to use for '
                             'a push operation.')}, None,
                'Push specifies how and where to push commits made by the '
                'automation.')}, ['commit'],
            'GitSpec contains all the git-specific definitions.'),
        'interval': dur('Interval gives an lower bound for how often the '
                        'automation run should be attempted.'),
        'policySelector': label_selector,
        'sourceRef': obj({
            'apiVersion': s('API version of the referent.'),
            'kind': enum(['GitRepository'], 'Kind of the referent.',
                         default='GitRepository'),
            'name': s('Name of the referent.'),
            'namespace': s('Namespace of the referent, defaults to the '
                           'namespace of the Kubernetes resource object '
                           'that contains the reference.')},
            ['kind', 'name'], 'SourceRef refers to the resource giving '
            'access details to a git repository.'),
        'suspend': b('Suspend tells the controller to not run this '
                     'automation, until it is unset (or set to false).'),
        'update': obj({
            'path': s('Path to the directory containing the manifests to be '
                      'updated. Defaults to \'None\', which translates to '
                      'the root path of the GitRepositoryRef.'),
            'strategy': enum(['Setters'], 'Strategy names the strategy to '
                             'be used.', default='Setters')}, None,
            'Update gives the specification for how to update the files in '
            'the repository.', default={'strategy': 'Setters'}),
    }, ['interval', 'sourceRef'], 'ImageUpdateAutomationSpec defines the '
        'desired state of ImageUpdateAutomation.')
    st = status({
        'lastAutomationRunTime': dt('LastAutomationRunTime records the last '
                                    'time the controller ran this '
                                    'automation through to completion.'),
        'lastPushCommit': s('LastPushCommit records the SHA1 of the last '
                            'commit made by the controller.'),
        'lastPushTime': dt('LastPushTime records the time of the last '
                           'pushed change.'),
        'observedPolicies': {'type': 'object', 'description':
                             'ObservedPolicies is the list of observed '
                             'ImagePolicies that were considered by the '
                             'ImageUpdateAutomation update process.',
                             'additionalProperties': image_ref(
                                 'ImageRef represents an image reference.')},
        'observedSourceRevision': s('ObservedPolicies is the list of '
                                    'observed ImagePolicies that were '
                                    'considered by the '
                                    'ImageUpdateAutomation update process.'),
    })
    return crd(IMG, 'ImageUpdateAutomation', 'imageupdateautomations', 'v1',
               spec, st,
               [READY, STATUS,
                col('Last run', '.status.lastAutomationRunTime', 'date', 1),
                AGE],
               ['iua', 'imgupd', 'imgauto'], 'fluxcd-images',
               'image-automation-controller')


FILES = {
    'source.toolkit.fluxcd.io.yaml': [gitrepository, ocirepository,
                                      helmrepository, helmchart, bucket,
                                      externalartifact],
    'kustomize.toolkit.fluxcd.io.yaml': [kustomization],
    'helm.toolkit.fluxcd.io.yaml': [helmrelease],
    'notification.toolkit.fluxcd.io.yaml': [alert, provider, receiver],
    'image.toolkit.fluxcd.io.yaml': [imagerepository, imagepolicy,
                                     imageupdateautomation],
}


class Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for name, makers in FILES.items():
        docs = [m() for m in makers]
        with open(os.path.join(here, name), 'w') as f:
            f.write('# Generated by api/crdgen.py from the Flux v2.9 API '
                    'reference. Do not edit.\n')
            f.write(yaml.dump_all(docs, Dumper=Dumper, sort_keys=False,
                                  default_flow_style=False, width=100,
                                  explicit_start=True))
    return 0


if __name__ == '__main__':
    sys.exit(main())
