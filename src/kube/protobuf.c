/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubectl's protobuf bodies → cf_node. The object types are described by
 * static tables (field number, kind, Go JSON flags, JSON name), one per Go
 * struct, so a body is decoded by one generic walk: read the wire fields of
 * a message into slots, then emit the slots in struct order with Go's
 * encoding/json rules. That yields the very node an equivalent JSON body
 * would produce, which keeps one code path for both content types.
 *
 * Protobuf wire facts relied on (proto2 as gogo-protobuf writes it for
 * k8s.io/api): non-pointer scalars and structs are always written, even
 * when empty; pointers only when non-nil; repeated fields one element per
 * occurrence (never packed, though packed varints are accepted); maps as
 * repeated {1 key, 2 value} entries.
 */
#include "kube/protobuf.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/alloc.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"

/* What a field holds; decides both the wire type expected and the JSON. */
enum pb_kind {
	PB_STR,      /* string (and named string types) */
	PB_BYTES,    /* []byte: base64 string in JSON */
	PB_INT,      /* int32/int64 varint */
	PB_BOOL,     /* varint 0/1 */
	PB_MSG,      /* nested struct, described by .msg */
	PB_MAPSTR,   /* map[string]string */
	PB_MAPBYTES, /* map[string][]byte (Secret.data) */
	PB_MAPQTY,   /* map[string]resource.Quantity (ResourceList) */
	PB_EXTRA,    /* map[string]ExtraValue ([]string wrapped in a message) */
	PB_TIME,     /* metav1.Time {1 seconds, 2 nanos} */
	PB_IOS,      /* intstr.IntOrString {1 type, 2 intVal, 3 strVal} */
	PB_QTY,      /* resource.Quantity {1 string} */
	PB_RAWJSON,  /* metav1.FieldsV1 {1 raw}: the bytes are JSON text */
	PB_MAPTIME,  /* map[string]metav1.Time (PDB status.disruptedPods) */
	PB_SKIP,     /* present in the proto, not decoded */
};

/* Go declaration facts that change the JSON output. */
enum pb_flags {
	PB_REP = 1 << 0,    /* a slice */
	PB_PTR = 1 << 1,    /* a pointer: absent means nil */
	PB_OMIT = 1 << 2,   /* json:",omitempty" */
	PB_INLINE = 1 << 3, /* json:",inline": fields merge into the parent */
};

struct pb_msg;

struct pb_field {
	uint16_t num;
	uint8_t kind;  /* enum pb_kind */
	uint8_t flags; /* enum pb_flags */
	const char *json;
	const struct pb_msg *msg; /* PB_MSG only */
};

struct pb_msg {
	const char *name;
	size_t nfields;
	const struct pb_field *fields;
};

struct pb_root {
	const char *api_version;
	const char *kind;
	const struct pb_msg *msg;
};

/* Message tables: field numbers and JSON names from the generated.proto
 * and types.go of k8s.io/api and k8s.io/apimachinery v0.32.9 (facts, as
 * data). Fields are in Go struct order, which is the JSON output order.
 * A type Kubernetes declares with the same fields as another one
 * (EphemeralContainerCommon and Container, say) shares its field array. */
static const struct pb_msg m_authz_SelfSubjectAccessReview;
static const struct pb_msg m_authz_SelfSubjectRulesReview;
static const struct pb_msg m_authz_SubjectAccessReview;
static const struct pb_msg m_authz_LocalSubjectAccessReview;
static const struct pb_msg m_authn_TokenRequest;
static const struct pb_msg m_authn_TokenReview;
static const struct pb_msg m_authn_SelfSubjectReview;
static const struct pb_msg m_core_Namespace;
static const struct pb_msg m_core_ConfigMap;
static const struct pb_msg m_core_Secret;
static const struct pb_msg m_core_ServiceAccount;
static const struct pb_msg m_core_Service;
static const struct pb_msg m_core_Pod;
static const struct pb_msg m_core_ResourceQuota;
static const struct pb_msg m_apps_Deployment;
static const struct pb_msg m_batch_Job;
static const struct pb_msg m_batch_CronJob;
static const struct pb_msg m_rbac_Role;
static const struct pb_msg m_rbac_RoleBinding;
static const struct pb_msg m_rbac_ClusterRole;
static const struct pb_msg m_rbac_ClusterRoleBinding;
static const struct pb_msg m_sched_PriorityClass;
static const struct pb_msg m_net_Ingress;
static const struct pb_msg m_policy_PodDisruptionBudget;
static const struct pb_msg m_meta_ObjectMeta;
static const struct pb_msg m_authz_SelfSubjectAccessReviewSpec;
static const struct pb_msg m_authz_SubjectAccessReviewStatus;
static const struct pb_msg m_authz_SelfSubjectRulesReviewSpec;
static const struct pb_msg m_authz_SubjectRulesReviewStatus;
static const struct pb_msg m_authz_SubjectAccessReviewSpec;
static const struct pb_msg m_authn_TokenRequestSpec;
static const struct pb_msg m_authn_TokenRequestStatus;
static const struct pb_msg m_authn_TokenReviewSpec;
static const struct pb_msg m_authn_TokenReviewStatus;
static const struct pb_msg m_authn_SelfSubjectReviewStatus;
static const struct pb_msg m_core_NamespaceSpec;
static const struct pb_msg m_core_NamespaceStatus;
static const struct pb_msg m_core_ObjectReference;
static const struct pb_msg m_core_LocalObjectReference;
static const struct pb_msg m_core_ServiceSpec;
static const struct pb_msg m_core_ServiceStatus;
static const struct pb_msg m_core_PodSpec;
static const struct pb_msg m_core_PodStatus;
static const struct pb_msg m_core_ResourceQuotaSpec;
static const struct pb_msg m_core_ResourceQuotaStatus;
static const struct pb_msg m_apps_DeploymentSpec;
static const struct pb_msg m_apps_DeploymentStatus;
static const struct pb_msg m_batch_JobSpec;
static const struct pb_msg m_batch_JobStatus;
static const struct pb_msg m_batch_CronJobSpec;
static const struct pb_msg m_batch_CronJobStatus;
static const struct pb_msg m_rbac_PolicyRule;
static const struct pb_msg m_rbac_Subject;
static const struct pb_msg m_rbac_RoleRef;
static const struct pb_msg m_rbac_AggregationRule;
static const struct pb_msg m_net_IngressSpec;
static const struct pb_msg m_net_IngressStatus;
static const struct pb_msg m_policy_PodDisruptionBudgetSpec;
static const struct pb_msg m_policy_PodDisruptionBudgetStatus;
static const struct pb_msg m_meta_OwnerReference;
static const struct pb_msg m_meta_ManagedFieldsEntry;
static const struct pb_msg m_authz_ResourceAttributes;
static const struct pb_msg m_authz_NonResourceAttributes;
static const struct pb_msg m_authz_ResourceRule;
static const struct pb_msg m_authz_NonResourceRule;
static const struct pb_msg m_authn_BoundObjectReference;
static const struct pb_msg m_authn_UserInfo;
static const struct pb_msg m_core_NamespaceCondition;
static const struct pb_msg m_core_ServicePort;
static const struct pb_msg m_core_SessionAffinityConfig;
static const struct pb_msg m_core_LoadBalancerStatus;
static const struct pb_msg m_meta_Condition;
static const struct pb_msg m_core_Volume;
static const struct pb_msg m_core_Container;
static const struct pb_msg m_core_EphemeralContainer;
static const struct pb_msg m_core_PodSecurityContext;
static const struct pb_msg m_core_Affinity;
static const struct pb_msg m_core_Toleration;
static const struct pb_msg m_core_HostAlias;
static const struct pb_msg m_core_PodDNSConfig;
static const struct pb_msg m_core_PodReadinessGate;
static const struct pb_msg m_core_TopologySpreadConstraint;
static const struct pb_msg m_core_PodOS;
static const struct pb_msg m_core_PodSchedulingGate;
static const struct pb_msg m_core_PodResourceClaim;
static const struct pb_msg m_core_ResourceRequirements;
static const struct pb_msg m_core_PodCondition;
static const struct pb_msg m_core_HostIP;
static const struct pb_msg m_core_PodIP;
static const struct pb_msg m_core_ContainerStatus;
static const struct pb_msg m_core_PodResourceClaimStatus;
static const struct pb_msg m_core_ScopeSelector;
static const struct pb_msg m_meta_LabelSelector;
static const struct pb_msg m_core_PodTemplateSpec;
static const struct pb_msg m_apps_DeploymentStrategy;
static const struct pb_msg m_apps_DeploymentCondition;
static const struct pb_msg m_batch_PodFailurePolicy;
static const struct pb_msg m_batch_SuccessPolicy;
static const struct pb_msg m_batch_JobCondition;
static const struct pb_msg m_batch_UncountedTerminatedPods;
static const struct pb_msg m_batch_JobTemplateSpec;
static const struct pb_msg m_net_IngressBackend;
static const struct pb_msg m_net_IngressTLS;
static const struct pb_msg m_net_IngressRule;
static const struct pb_msg m_net_IngressLoadBalancerStatus;
static const struct pb_msg m_authz_FieldSelectorAttributes;
static const struct pb_msg m_authz_LabelSelectorAttributes;
static const struct pb_msg m_core_ClientIPConfig;
static const struct pb_msg m_core_LoadBalancerIngress;
static const struct pb_msg m_core_VolumeSource;
static const struct pb_msg m_core_ContainerPort;
static const struct pb_msg m_core_EnvFromSource;
static const struct pb_msg m_core_EnvVar;
static const struct pb_msg m_core_ContainerResizePolicy;
static const struct pb_msg m_core_VolumeMount;
static const struct pb_msg m_core_VolumeDevice;
static const struct pb_msg m_core_Probe;
static const struct pb_msg m_core_Lifecycle;
static const struct pb_msg m_core_SecurityContext;
static const struct pb_msg m_core_EphemeralContainerCommon;
static const struct pb_msg m_core_SELinuxOptions;
static const struct pb_msg m_core_WindowsSecurityContextOptions;
static const struct pb_msg m_core_Sysctl;
static const struct pb_msg m_core_SeccompProfile;
static const struct pb_msg m_core_AppArmorProfile;
static const struct pb_msg m_core_NodeAffinity;
static const struct pb_msg m_core_PodAffinity;
static const struct pb_msg m_core_PodAntiAffinity;
static const struct pb_msg m_core_PodDNSConfigOption;
static const struct pb_msg m_core_ResourceClaim;
static const struct pb_msg m_core_ContainerState;
static const struct pb_msg m_core_VolumeMountStatus;
static const struct pb_msg m_core_ContainerUser;
static const struct pb_msg m_core_ResourceStatus;
static const struct pb_msg m_core_ScopedResourceSelectorRequirement;
static const struct pb_msg m_meta_LabelSelectorRequirement;
static const struct pb_msg m_apps_RollingUpdateDeployment;
static const struct pb_msg m_batch_PodFailurePolicyRule;
static const struct pb_msg m_batch_SuccessPolicyRule;
static const struct pb_msg m_net_IngressServiceBackend;
static const struct pb_msg m_core_TypedLocalObjectReference;
static const struct pb_msg m_net_IngressRuleValue;
static const struct pb_msg m_net_IngressLoadBalancerIngress;
static const struct pb_msg m_meta_FieldSelectorRequirement;
static const struct pb_msg m_core_PortStatus;
static const struct pb_msg m_core_HostPathVolumeSource;
static const struct pb_msg m_core_EmptyDirVolumeSource;
static const struct pb_msg m_core_GCEPersistentDiskVolumeSource;
static const struct pb_msg m_core_AWSElasticBlockStoreVolumeSource;
static const struct pb_msg m_core_GitRepoVolumeSource;
static const struct pb_msg m_core_SecretVolumeSource;
static const struct pb_msg m_core_NFSVolumeSource;
static const struct pb_msg m_core_ISCSIVolumeSource;
static const struct pb_msg m_core_GlusterfsVolumeSource;
static const struct pb_msg m_core_PersistentVolumeClaimVolumeSource;
static const struct pb_msg m_core_RBDVolumeSource;
static const struct pb_msg m_core_FlexVolumeSource;
static const struct pb_msg m_core_CinderVolumeSource;
static const struct pb_msg m_core_CephFSVolumeSource;
static const struct pb_msg m_core_FlockerVolumeSource;
static const struct pb_msg m_core_DownwardAPIVolumeSource;
static const struct pb_msg m_core_FCVolumeSource;
static const struct pb_msg m_core_AzureFileVolumeSource;
static const struct pb_msg m_core_ConfigMapVolumeSource;
static const struct pb_msg m_core_VsphereVirtualDiskVolumeSource;
static const struct pb_msg m_core_QuobyteVolumeSource;
static const struct pb_msg m_core_AzureDiskVolumeSource;
static const struct pb_msg m_core_PhotonPersistentDiskVolumeSource;
static const struct pb_msg m_core_ProjectedVolumeSource;
static const struct pb_msg m_core_PortworxVolumeSource;
static const struct pb_msg m_core_ScaleIOVolumeSource;
static const struct pb_msg m_core_StorageOSVolumeSource;
static const struct pb_msg m_core_CSIVolumeSource;
static const struct pb_msg m_core_EphemeralVolumeSource;
static const struct pb_msg m_core_ImageVolumeSource;
static const struct pb_msg m_core_ConfigMapEnvSource;
static const struct pb_msg m_core_SecretEnvSource;
static const struct pb_msg m_core_EnvVarSource;
static const struct pb_msg m_core_ProbeHandler;
static const struct pb_msg m_core_LifecycleHandler;
static const struct pb_msg m_core_Capabilities;
static const struct pb_msg m_core_NodeSelector;
static const struct pb_msg m_core_PreferredSchedulingTerm;
static const struct pb_msg m_core_PodAffinityTerm;
static const struct pb_msg m_core_WeightedPodAffinityTerm;
static const struct pb_msg m_core_ContainerStateWaiting;
static const struct pb_msg m_core_ContainerStateRunning;
static const struct pb_msg m_core_ContainerStateTerminated;
static const struct pb_msg m_core_LinuxContainerUser;
static const struct pb_msg m_core_ResourceHealth;
static const struct pb_msg m_batch_PodFailurePolicyOnExitCodesRequirement;
static const struct pb_msg m_batch_PodFailurePolicyOnPodConditionsPattern;
static const struct pb_msg m_net_ServiceBackendPort;
static const struct pb_msg m_net_HTTPIngressRuleValue;
static const struct pb_msg m_net_IngressPortStatus;
static const struct pb_msg m_core_KeyToPath;
static const struct pb_msg m_core_DownwardAPIVolumeFile;
static const struct pb_msg m_core_VolumeProjection;
static const struct pb_msg m_core_PersistentVolumeClaimTemplate;
static const struct pb_msg m_core_ObjectFieldSelector;
static const struct pb_msg m_core_ResourceFieldSelector;
static const struct pb_msg m_core_ConfigMapKeySelector;
static const struct pb_msg m_core_SecretKeySelector;
static const struct pb_msg m_core_ExecAction;
static const struct pb_msg m_core_HTTPGetAction;
static const struct pb_msg m_core_TCPSocketAction;
static const struct pb_msg m_core_GRPCAction;
static const struct pb_msg m_core_SleepAction;
static const struct pb_msg m_core_NodeSelectorTerm;
static const struct pb_msg m_net_HTTPIngressPath;
static const struct pb_msg m_core_SecretProjection;
static const struct pb_msg m_core_DownwardAPIProjection;
static const struct pb_msg m_core_ConfigMapProjection;
static const struct pb_msg m_core_ServiceAccountTokenProjection;
static const struct pb_msg m_core_ClusterTrustBundleProjection;
static const struct pb_msg m_core_HTTPHeader;
static const struct pb_msg m_core_NodeSelectorRequirement;
static const struct pb_field m_authz_SelfSubjectAccessReview_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, 0, "spec", &m_authz_SelfSubjectAccessReviewSpec },
	{ 3, PB_MSG, PB_OMIT, "status", &m_authz_SubjectAccessReviewStatus },
};
static const struct pb_msg m_authz_SelfSubjectAccessReview = { "SelfSubjectAccessReview", CF_ARRAY_SIZE(m_authz_SelfSubjectAccessReview_f), m_authz_SelfSubjectAccessReview_f };
static const struct pb_field m_authz_SelfSubjectRulesReview_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, 0, "spec", &m_authz_SelfSubjectRulesReviewSpec },
	{ 3, PB_MSG, PB_OMIT, "status", &m_authz_SubjectRulesReviewStatus },
};
static const struct pb_msg m_authz_SelfSubjectRulesReview = { "SelfSubjectRulesReview", CF_ARRAY_SIZE(m_authz_SelfSubjectRulesReview_f), m_authz_SelfSubjectRulesReview_f };
static const struct pb_field m_authz_SubjectAccessReview_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, 0, "spec", &m_authz_SubjectAccessReviewSpec },
	{ 3, PB_MSG, PB_OMIT, "status", &m_authz_SubjectAccessReviewStatus },
};
static const struct pb_msg m_authz_SubjectAccessReview = { "SubjectAccessReview", CF_ARRAY_SIZE(m_authz_SubjectAccessReview_f), m_authz_SubjectAccessReview_f };
static const struct pb_msg m_authz_LocalSubjectAccessReview = { "LocalSubjectAccessReview", CF_ARRAY_SIZE(m_authz_SubjectAccessReview_f), m_authz_SubjectAccessReview_f };
static const struct pb_field m_authn_TokenRequest_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, 0, "spec", &m_authn_TokenRequestSpec },
	{ 3, PB_MSG, PB_OMIT, "status", &m_authn_TokenRequestStatus },
};
static const struct pb_msg m_authn_TokenRequest = { "TokenRequest", CF_ARRAY_SIZE(m_authn_TokenRequest_f), m_authn_TokenRequest_f };
static const struct pb_field m_authn_TokenReview_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, 0, "spec", &m_authn_TokenReviewSpec },
	{ 3, PB_MSG, PB_OMIT, "status", &m_authn_TokenReviewStatus },
};
static const struct pb_msg m_authn_TokenReview = { "TokenReview", CF_ARRAY_SIZE(m_authn_TokenReview_f), m_authn_TokenReview_f };
static const struct pb_field m_authn_SelfSubjectReview_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, PB_OMIT, "status", &m_authn_SelfSubjectReviewStatus },
};
static const struct pb_msg m_authn_SelfSubjectReview = { "SelfSubjectReview", CF_ARRAY_SIZE(m_authn_SelfSubjectReview_f), m_authn_SelfSubjectReview_f };
static const struct pb_field m_core_Namespace_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, PB_OMIT, "spec", &m_core_NamespaceSpec },
	{ 3, PB_MSG, PB_OMIT, "status", &m_core_NamespaceStatus },
};
static const struct pb_msg m_core_Namespace = { "Namespace", CF_ARRAY_SIZE(m_core_Namespace_f), m_core_Namespace_f };
static const struct pb_field m_core_ConfigMap_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 4, PB_BOOL, PB_PTR|PB_OMIT, "immutable", NULL },
	{ 2, PB_MAPSTR, PB_OMIT, "data", NULL },
	{ 3, PB_MAPBYTES, PB_OMIT, "binaryData", NULL },
};
static const struct pb_msg m_core_ConfigMap = { "ConfigMap", CF_ARRAY_SIZE(m_core_ConfigMap_f), m_core_ConfigMap_f };
static const struct pb_field m_core_Secret_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 5, PB_BOOL, PB_PTR|PB_OMIT, "immutable", NULL },
	{ 2, PB_MAPBYTES, PB_OMIT, "data", NULL },
	{ 4, PB_MAPSTR, PB_OMIT, "stringData", NULL },
	{ 3, PB_STR, PB_OMIT, "type", NULL },
};
static const struct pb_msg m_core_Secret = { "Secret", CF_ARRAY_SIZE(m_core_Secret_f), m_core_Secret_f };
static const struct pb_field m_core_ServiceAccount_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, PB_REP|PB_OMIT, "secrets", &m_core_ObjectReference },
	{ 3, PB_MSG, PB_REP|PB_OMIT, "imagePullSecrets", &m_core_LocalObjectReference },
	{ 4, PB_BOOL, PB_PTR|PB_OMIT, "automountServiceAccountToken", NULL },
};
static const struct pb_msg m_core_ServiceAccount = { "ServiceAccount", CF_ARRAY_SIZE(m_core_ServiceAccount_f), m_core_ServiceAccount_f };
static const struct pb_field m_core_Service_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, PB_OMIT, "spec", &m_core_ServiceSpec },
	{ 3, PB_MSG, PB_OMIT, "status", &m_core_ServiceStatus },
};
static const struct pb_msg m_core_Service = { "Service", CF_ARRAY_SIZE(m_core_Service_f), m_core_Service_f };
static const struct pb_field m_core_Pod_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, PB_OMIT, "spec", &m_core_PodSpec },
	{ 3, PB_MSG, PB_OMIT, "status", &m_core_PodStatus },
};
static const struct pb_msg m_core_Pod = { "Pod", CF_ARRAY_SIZE(m_core_Pod_f), m_core_Pod_f };
static const struct pb_field m_core_ResourceQuota_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, PB_OMIT, "spec", &m_core_ResourceQuotaSpec },
	{ 3, PB_MSG, PB_OMIT, "status", &m_core_ResourceQuotaStatus },
};
static const struct pb_msg m_core_ResourceQuota = { "ResourceQuota", CF_ARRAY_SIZE(m_core_ResourceQuota_f), m_core_ResourceQuota_f };
static const struct pb_field m_apps_Deployment_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, PB_OMIT, "spec", &m_apps_DeploymentSpec },
	{ 3, PB_MSG, PB_OMIT, "status", &m_apps_DeploymentStatus },
};
static const struct pb_msg m_apps_Deployment = { "Deployment", CF_ARRAY_SIZE(m_apps_Deployment_f), m_apps_Deployment_f };
static const struct pb_field m_batch_Job_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, PB_OMIT, "spec", &m_batch_JobSpec },
	{ 3, PB_MSG, PB_OMIT, "status", &m_batch_JobStatus },
};
static const struct pb_msg m_batch_Job = { "Job", CF_ARRAY_SIZE(m_batch_Job_f), m_batch_Job_f };
static const struct pb_field m_batch_CronJob_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, PB_OMIT, "spec", &m_batch_CronJobSpec },
	{ 3, PB_MSG, PB_OMIT, "status", &m_batch_CronJobStatus },
};
static const struct pb_msg m_batch_CronJob = { "CronJob", CF_ARRAY_SIZE(m_batch_CronJob_f), m_batch_CronJob_f };
static const struct pb_field m_rbac_Role_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, PB_REP, "rules", &m_rbac_PolicyRule },
};
static const struct pb_msg m_rbac_Role = { "Role", CF_ARRAY_SIZE(m_rbac_Role_f), m_rbac_Role_f };
static const struct pb_field m_rbac_RoleBinding_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, PB_REP|PB_OMIT, "subjects", &m_rbac_Subject },
	{ 3, PB_MSG, 0, "roleRef", &m_rbac_RoleRef },
};
static const struct pb_msg m_rbac_RoleBinding = { "RoleBinding", CF_ARRAY_SIZE(m_rbac_RoleBinding_f), m_rbac_RoleBinding_f };
static const struct pb_field m_rbac_ClusterRole_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, PB_REP, "rules", &m_rbac_PolicyRule },
	{ 3, PB_MSG, PB_PTR|PB_OMIT, "aggregationRule", &m_rbac_AggregationRule },
};
static const struct pb_msg m_rbac_ClusterRole = { "ClusterRole", CF_ARRAY_SIZE(m_rbac_ClusterRole_f), m_rbac_ClusterRole_f };
static const struct pb_msg m_rbac_ClusterRoleBinding = { "ClusterRoleBinding", CF_ARRAY_SIZE(m_rbac_RoleBinding_f), m_rbac_RoleBinding_f };
static const struct pb_field m_sched_PriorityClass_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_INT, 0, "value", NULL },
	{ 3, PB_BOOL, PB_OMIT, "globalDefault", NULL },
	{ 4, PB_STR, PB_OMIT, "description", NULL },
	{ 5, PB_STR, PB_PTR|PB_OMIT, "preemptionPolicy", NULL },
};
static const struct pb_msg m_sched_PriorityClass = { "PriorityClass", CF_ARRAY_SIZE(m_sched_PriorityClass_f), m_sched_PriorityClass_f };
static const struct pb_field m_net_Ingress_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, PB_OMIT, "spec", &m_net_IngressSpec },
	{ 3, PB_MSG, PB_OMIT, "status", &m_net_IngressStatus },
};
static const struct pb_msg m_net_Ingress = { "Ingress", CF_ARRAY_SIZE(m_net_Ingress_f), m_net_Ingress_f };
static const struct pb_field m_policy_PodDisruptionBudget_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, PB_OMIT, "spec", &m_policy_PodDisruptionBudgetSpec },
	{ 3, PB_MSG, PB_OMIT, "status", &m_policy_PodDisruptionBudgetStatus },
};
static const struct pb_msg m_policy_PodDisruptionBudget = { "PodDisruptionBudget", CF_ARRAY_SIZE(m_policy_PodDisruptionBudget_f), m_policy_PodDisruptionBudget_f };
static const struct pb_field m_meta_ObjectMeta_f[] = {
	{ 1, PB_STR, PB_OMIT, "name", NULL },
	{ 2, PB_STR, PB_OMIT, "generateName", NULL },
	{ 3, PB_STR, PB_OMIT, "namespace", NULL },
	{ 4, PB_STR, PB_OMIT, "selfLink", NULL },
	{ 5, PB_STR, PB_OMIT, "uid", NULL },
	{ 6, PB_STR, PB_OMIT, "resourceVersion", NULL },
	{ 7, PB_INT, PB_OMIT, "generation", NULL },
	{ 8, PB_TIME, PB_OMIT, "creationTimestamp", NULL },
	{ 9, PB_TIME, PB_PTR|PB_OMIT, "deletionTimestamp", NULL },
	{ 10, PB_INT, PB_PTR|PB_OMIT, "deletionGracePeriodSeconds", NULL },
	{ 11, PB_MAPSTR, PB_OMIT, "labels", NULL },
	{ 12, PB_MAPSTR, PB_OMIT, "annotations", NULL },
	{ 13, PB_MSG, PB_REP|PB_OMIT, "ownerReferences", &m_meta_OwnerReference },
	{ 14, PB_STR, PB_REP|PB_OMIT, "finalizers", NULL },
	{ 17, PB_MSG, PB_REP|PB_OMIT, "managedFields", &m_meta_ManagedFieldsEntry },
};
static const struct pb_msg m_meta_ObjectMeta = { "ObjectMeta", CF_ARRAY_SIZE(m_meta_ObjectMeta_f), m_meta_ObjectMeta_f };
static const struct pb_field m_authz_SelfSubjectAccessReviewSpec_f[] = {
	{ 1, PB_MSG, PB_PTR|PB_OMIT, "resourceAttributes", &m_authz_ResourceAttributes },
	{ 2, PB_MSG, PB_PTR|PB_OMIT, "nonResourceAttributes", &m_authz_NonResourceAttributes },
};
static const struct pb_msg m_authz_SelfSubjectAccessReviewSpec = { "SelfSubjectAccessReviewSpec", CF_ARRAY_SIZE(m_authz_SelfSubjectAccessReviewSpec_f), m_authz_SelfSubjectAccessReviewSpec_f };
static const struct pb_field m_authz_SubjectAccessReviewStatus_f[] = {
	{ 1, PB_BOOL, 0, "allowed", NULL },
	{ 4, PB_BOOL, PB_OMIT, "denied", NULL },
	{ 2, PB_STR, PB_OMIT, "reason", NULL },
	{ 3, PB_STR, PB_OMIT, "evaluationError", NULL },
};
static const struct pb_msg m_authz_SubjectAccessReviewStatus = { "SubjectAccessReviewStatus", CF_ARRAY_SIZE(m_authz_SubjectAccessReviewStatus_f), m_authz_SubjectAccessReviewStatus_f };
static const struct pb_field m_authz_SelfSubjectRulesReviewSpec_f[] = {
	{ 1, PB_STR, PB_OMIT, "namespace", NULL },
};
static const struct pb_msg m_authz_SelfSubjectRulesReviewSpec = { "SelfSubjectRulesReviewSpec", CF_ARRAY_SIZE(m_authz_SelfSubjectRulesReviewSpec_f), m_authz_SelfSubjectRulesReviewSpec_f };
static const struct pb_field m_authz_SubjectRulesReviewStatus_f[] = {
	{ 1, PB_MSG, PB_REP, "resourceRules", &m_authz_ResourceRule },
	{ 2, PB_MSG, PB_REP, "nonResourceRules", &m_authz_NonResourceRule },
	{ 3, PB_BOOL, 0, "incomplete", NULL },
	{ 4, PB_STR, PB_OMIT, "evaluationError", NULL },
};
static const struct pb_msg m_authz_SubjectRulesReviewStatus = { "SubjectRulesReviewStatus", CF_ARRAY_SIZE(m_authz_SubjectRulesReviewStatus_f), m_authz_SubjectRulesReviewStatus_f };
static const struct pb_field m_authz_SubjectAccessReviewSpec_f[] = {
	{ 1, PB_MSG, PB_PTR|PB_OMIT, "resourceAttributes", &m_authz_ResourceAttributes },
	{ 2, PB_MSG, PB_PTR|PB_OMIT, "nonResourceAttributes", &m_authz_NonResourceAttributes },
	{ 3, PB_STR, PB_OMIT, "user", NULL },
	{ 4, PB_STR, PB_REP|PB_OMIT, "groups", NULL },
	{ 5, PB_EXTRA, PB_OMIT, "extra", NULL },
	{ 6, PB_STR, PB_OMIT, "uid", NULL },
};
static const struct pb_msg m_authz_SubjectAccessReviewSpec = { "SubjectAccessReviewSpec", CF_ARRAY_SIZE(m_authz_SubjectAccessReviewSpec_f), m_authz_SubjectAccessReviewSpec_f };
static const struct pb_field m_authn_TokenRequestSpec_f[] = {
	{ 1, PB_STR, PB_REP, "audiences", NULL },
	{ 4, PB_INT, PB_PTR, "expirationSeconds", NULL },
	{ 3, PB_MSG, PB_PTR, "boundObjectRef", &m_authn_BoundObjectReference },
};
static const struct pb_msg m_authn_TokenRequestSpec = { "TokenRequestSpec", CF_ARRAY_SIZE(m_authn_TokenRequestSpec_f), m_authn_TokenRequestSpec_f };
static const struct pb_field m_authn_TokenRequestStatus_f[] = {
	{ 1, PB_STR, 0, "token", NULL },
	{ 2, PB_TIME, 0, "expirationTimestamp", NULL },
};
static const struct pb_msg m_authn_TokenRequestStatus = { "TokenRequestStatus", CF_ARRAY_SIZE(m_authn_TokenRequestStatus_f), m_authn_TokenRequestStatus_f };
static const struct pb_field m_authn_TokenReviewSpec_f[] = {
	{ 1, PB_STR, PB_OMIT, "token", NULL },
	{ 2, PB_STR, PB_REP|PB_OMIT, "audiences", NULL },
};
static const struct pb_msg m_authn_TokenReviewSpec = { "TokenReviewSpec", CF_ARRAY_SIZE(m_authn_TokenReviewSpec_f), m_authn_TokenReviewSpec_f };
static const struct pb_field m_authn_TokenReviewStatus_f[] = {
	{ 1, PB_BOOL, PB_OMIT, "authenticated", NULL },
	{ 2, PB_MSG, PB_OMIT, "user", &m_authn_UserInfo },
	{ 4, PB_STR, PB_REP|PB_OMIT, "audiences", NULL },
	{ 3, PB_STR, PB_OMIT, "error", NULL },
};
static const struct pb_msg m_authn_TokenReviewStatus = { "TokenReviewStatus", CF_ARRAY_SIZE(m_authn_TokenReviewStatus_f), m_authn_TokenReviewStatus_f };
static const struct pb_field m_authn_SelfSubjectReviewStatus_f[] = {
	{ 1, PB_MSG, PB_OMIT, "userInfo", &m_authn_UserInfo },
};
static const struct pb_msg m_authn_SelfSubjectReviewStatus = { "SelfSubjectReviewStatus", CF_ARRAY_SIZE(m_authn_SelfSubjectReviewStatus_f), m_authn_SelfSubjectReviewStatus_f };
static const struct pb_field m_core_NamespaceSpec_f[] = {
	{ 1, PB_STR, PB_REP|PB_OMIT, "finalizers", NULL },
};
static const struct pb_msg m_core_NamespaceSpec = { "NamespaceSpec", CF_ARRAY_SIZE(m_core_NamespaceSpec_f), m_core_NamespaceSpec_f };
static const struct pb_field m_core_NamespaceStatus_f[] = {
	{ 1, PB_STR, PB_OMIT, "phase", NULL },
	{ 2, PB_MSG, PB_REP|PB_OMIT, "conditions", &m_core_NamespaceCondition },
};
static const struct pb_msg m_core_NamespaceStatus = { "NamespaceStatus", CF_ARRAY_SIZE(m_core_NamespaceStatus_f), m_core_NamespaceStatus_f };
static const struct pb_field m_core_ObjectReference_f[] = {
	{ 1, PB_STR, PB_OMIT, "kind", NULL },
	{ 2, PB_STR, PB_OMIT, "namespace", NULL },
	{ 3, PB_STR, PB_OMIT, "name", NULL },
	{ 4, PB_STR, PB_OMIT, "uid", NULL },
	{ 5, PB_STR, PB_OMIT, "apiVersion", NULL },
	{ 6, PB_STR, PB_OMIT, "resourceVersion", NULL },
	{ 7, PB_STR, PB_OMIT, "fieldPath", NULL },
};
static const struct pb_msg m_core_ObjectReference = { "ObjectReference", CF_ARRAY_SIZE(m_core_ObjectReference_f), m_core_ObjectReference_f };
static const struct pb_field m_core_LocalObjectReference_f[] = {
	{ 1, PB_STR, PB_OMIT, "name", NULL },
};
static const struct pb_msg m_core_LocalObjectReference = { "LocalObjectReference", CF_ARRAY_SIZE(m_core_LocalObjectReference_f), m_core_LocalObjectReference_f };
static const struct pb_field m_core_ServiceSpec_f[] = {
	{ 1, PB_MSG, PB_REP|PB_OMIT, "ports", &m_core_ServicePort },
	{ 2, PB_MAPSTR, PB_OMIT, "selector", NULL },
	{ 3, PB_STR, PB_OMIT, "clusterIP", NULL },
	{ 18, PB_STR, PB_REP|PB_OMIT, "clusterIPs", NULL },
	{ 4, PB_STR, PB_OMIT, "type", NULL },
	{ 5, PB_STR, PB_REP|PB_OMIT, "externalIPs", NULL },
	{ 7, PB_STR, PB_OMIT, "sessionAffinity", NULL },
	{ 8, PB_STR, PB_OMIT, "loadBalancerIP", NULL },
	{ 9, PB_STR, PB_REP|PB_OMIT, "loadBalancerSourceRanges", NULL },
	{ 10, PB_STR, PB_OMIT, "externalName", NULL },
	{ 11, PB_STR, PB_OMIT, "externalTrafficPolicy", NULL },
	{ 12, PB_INT, PB_OMIT, "healthCheckNodePort", NULL },
	{ 13, PB_BOOL, PB_OMIT, "publishNotReadyAddresses", NULL },
	{ 14, PB_MSG, PB_PTR|PB_OMIT, "sessionAffinityConfig", &m_core_SessionAffinityConfig },
	{ 19, PB_STR, PB_REP|PB_OMIT, "ipFamilies", NULL },
	{ 17, PB_STR, PB_PTR|PB_OMIT, "ipFamilyPolicy", NULL },
	{ 20, PB_BOOL, PB_PTR|PB_OMIT, "allocateLoadBalancerNodePorts", NULL },
	{ 21, PB_STR, PB_PTR|PB_OMIT, "loadBalancerClass", NULL },
	{ 22, PB_STR, PB_PTR|PB_OMIT, "internalTrafficPolicy", NULL },
	{ 23, PB_STR, PB_PTR|PB_OMIT, "trafficDistribution", NULL },
};
static const struct pb_msg m_core_ServiceSpec = { "ServiceSpec", CF_ARRAY_SIZE(m_core_ServiceSpec_f), m_core_ServiceSpec_f };
static const struct pb_field m_core_ServiceStatus_f[] = {
	{ 1, PB_MSG, PB_OMIT, "loadBalancer", &m_core_LoadBalancerStatus },
	{ 2, PB_MSG, PB_REP|PB_OMIT, "conditions", &m_meta_Condition },
};
static const struct pb_msg m_core_ServiceStatus = { "ServiceStatus", CF_ARRAY_SIZE(m_core_ServiceStatus_f), m_core_ServiceStatus_f };
static const struct pb_field m_core_PodSpec_f[] = {
	{ 1, PB_MSG, PB_REP|PB_OMIT, "volumes", &m_core_Volume },
	{ 20, PB_MSG, PB_REP|PB_OMIT, "initContainers", &m_core_Container },
	{ 2, PB_MSG, PB_REP, "containers", &m_core_Container },
	{ 34, PB_MSG, PB_REP|PB_OMIT, "ephemeralContainers", &m_core_EphemeralContainer },
	{ 3, PB_STR, PB_OMIT, "restartPolicy", NULL },
	{ 4, PB_INT, PB_PTR|PB_OMIT, "terminationGracePeriodSeconds", NULL },
	{ 5, PB_INT, PB_PTR|PB_OMIT, "activeDeadlineSeconds", NULL },
	{ 6, PB_STR, PB_OMIT, "dnsPolicy", NULL },
	{ 7, PB_MAPSTR, PB_OMIT, "nodeSelector", NULL },
	{ 8, PB_STR, PB_OMIT, "serviceAccountName", NULL },
	{ 9, PB_STR, PB_OMIT, "serviceAccount", NULL },
	{ 21, PB_BOOL, PB_PTR|PB_OMIT, "automountServiceAccountToken", NULL },
	{ 10, PB_STR, PB_OMIT, "nodeName", NULL },
	{ 11, PB_BOOL, PB_OMIT, "hostNetwork", NULL },
	{ 12, PB_BOOL, PB_OMIT, "hostPID", NULL },
	{ 13, PB_BOOL, PB_OMIT, "hostIPC", NULL },
	{ 27, PB_BOOL, PB_PTR|PB_OMIT, "shareProcessNamespace", NULL },
	{ 14, PB_MSG, PB_PTR|PB_OMIT, "securityContext", &m_core_PodSecurityContext },
	{ 15, PB_MSG, PB_REP|PB_OMIT, "imagePullSecrets", &m_core_LocalObjectReference },
	{ 16, PB_STR, PB_OMIT, "hostname", NULL },
	{ 17, PB_STR, PB_OMIT, "subdomain", NULL },
	{ 18, PB_MSG, PB_PTR|PB_OMIT, "affinity", &m_core_Affinity },
	{ 19, PB_STR, PB_OMIT, "schedulerName", NULL },
	{ 22, PB_MSG, PB_REP|PB_OMIT, "tolerations", &m_core_Toleration },
	{ 23, PB_MSG, PB_REP|PB_OMIT, "hostAliases", &m_core_HostAlias },
	{ 24, PB_STR, PB_OMIT, "priorityClassName", NULL },
	{ 25, PB_INT, PB_PTR|PB_OMIT, "priority", NULL },
	{ 26, PB_MSG, PB_PTR|PB_OMIT, "dnsConfig", &m_core_PodDNSConfig },
	{ 28, PB_MSG, PB_REP|PB_OMIT, "readinessGates", &m_core_PodReadinessGate },
	{ 29, PB_STR, PB_PTR|PB_OMIT, "runtimeClassName", NULL },
	{ 30, PB_BOOL, PB_PTR|PB_OMIT, "enableServiceLinks", NULL },
	{ 31, PB_STR, PB_PTR|PB_OMIT, "preemptionPolicy", NULL },
	{ 32, PB_MAPQTY, PB_OMIT, "overhead", NULL },
	{ 33, PB_MSG, PB_REP|PB_OMIT, "topologySpreadConstraints", &m_core_TopologySpreadConstraint },
	{ 35, PB_BOOL, PB_PTR|PB_OMIT, "setHostnameAsFQDN", NULL },
	{ 36, PB_MSG, PB_PTR|PB_OMIT, "os", &m_core_PodOS },
	{ 37, PB_BOOL, PB_PTR|PB_OMIT, "hostUsers", NULL },
	{ 38, PB_MSG, PB_REP|PB_OMIT, "schedulingGates", &m_core_PodSchedulingGate },
	{ 39, PB_MSG, PB_REP|PB_OMIT, "resourceClaims", &m_core_PodResourceClaim },
	{ 40, PB_MSG, PB_PTR|PB_OMIT, "resources", &m_core_ResourceRequirements },
};
static const struct pb_msg m_core_PodSpec = { "PodSpec", CF_ARRAY_SIZE(m_core_PodSpec_f), m_core_PodSpec_f };
static const struct pb_field m_core_PodStatus_f[] = {
	{ 1, PB_STR, PB_OMIT, "phase", NULL },
	{ 2, PB_MSG, PB_REP|PB_OMIT, "conditions", &m_core_PodCondition },
	{ 3, PB_STR, PB_OMIT, "message", NULL },
	{ 4, PB_STR, PB_OMIT, "reason", NULL },
	{ 11, PB_STR, PB_OMIT, "nominatedNodeName", NULL },
	{ 5, PB_STR, PB_OMIT, "hostIP", NULL },
	{ 16, PB_MSG, PB_REP|PB_OMIT, "hostIPs", &m_core_HostIP },
	{ 6, PB_STR, PB_OMIT, "podIP", NULL },
	{ 12, PB_MSG, PB_REP|PB_OMIT, "podIPs", &m_core_PodIP },
	{ 7, PB_TIME, PB_PTR|PB_OMIT, "startTime", NULL },
	{ 10, PB_MSG, PB_REP|PB_OMIT, "initContainerStatuses", &m_core_ContainerStatus },
	{ 8, PB_MSG, PB_REP|PB_OMIT, "containerStatuses", &m_core_ContainerStatus },
	{ 9, PB_STR, PB_OMIT, "qosClass", NULL },
	{ 13, PB_MSG, PB_REP|PB_OMIT, "ephemeralContainerStatuses", &m_core_ContainerStatus },
	{ 14, PB_STR, PB_OMIT, "resize", NULL },
	{ 15, PB_MSG, PB_REP|PB_OMIT, "resourceClaimStatuses", &m_core_PodResourceClaimStatus },
};
static const struct pb_msg m_core_PodStatus = { "PodStatus", CF_ARRAY_SIZE(m_core_PodStatus_f), m_core_PodStatus_f };
static const struct pb_field m_core_ResourceQuotaSpec_f[] = {
	{ 1, PB_MAPQTY, PB_OMIT, "hard", NULL },
	{ 2, PB_STR, PB_REP|PB_OMIT, "scopes", NULL },
	{ 3, PB_MSG, PB_PTR|PB_OMIT, "scopeSelector", &m_core_ScopeSelector },
};
static const struct pb_msg m_core_ResourceQuotaSpec = { "ResourceQuotaSpec", CF_ARRAY_SIZE(m_core_ResourceQuotaSpec_f), m_core_ResourceQuotaSpec_f };
static const struct pb_field m_core_ResourceQuotaStatus_f[] = {
	{ 1, PB_MAPQTY, PB_OMIT, "hard", NULL },
	{ 2, PB_MAPQTY, PB_OMIT, "used", NULL },
};
static const struct pb_msg m_core_ResourceQuotaStatus = { "ResourceQuotaStatus", CF_ARRAY_SIZE(m_core_ResourceQuotaStatus_f), m_core_ResourceQuotaStatus_f };
static const struct pb_field m_apps_DeploymentSpec_f[] = {
	{ 1, PB_INT, PB_PTR|PB_OMIT, "replicas", NULL },
	{ 2, PB_MSG, PB_PTR, "selector", &m_meta_LabelSelector },
	{ 3, PB_MSG, 0, "template", &m_core_PodTemplateSpec },
	{ 4, PB_MSG, PB_OMIT, "strategy", &m_apps_DeploymentStrategy },
	{ 5, PB_INT, PB_OMIT, "minReadySeconds", NULL },
	{ 6, PB_INT, PB_PTR|PB_OMIT, "revisionHistoryLimit", NULL },
	{ 7, PB_BOOL, PB_OMIT, "paused", NULL },
	{ 9, PB_INT, PB_PTR|PB_OMIT, "progressDeadlineSeconds", NULL },
};
static const struct pb_msg m_apps_DeploymentSpec = { "DeploymentSpec", CF_ARRAY_SIZE(m_apps_DeploymentSpec_f), m_apps_DeploymentSpec_f };
static const struct pb_field m_apps_DeploymentStatus_f[] = {
	{ 1, PB_INT, PB_OMIT, "observedGeneration", NULL },
	{ 2, PB_INT, PB_OMIT, "replicas", NULL },
	{ 3, PB_INT, PB_OMIT, "updatedReplicas", NULL },
	{ 7, PB_INT, PB_OMIT, "readyReplicas", NULL },
	{ 4, PB_INT, PB_OMIT, "availableReplicas", NULL },
	{ 5, PB_INT, PB_OMIT, "unavailableReplicas", NULL },
	{ 6, PB_MSG, PB_REP|PB_OMIT, "conditions", &m_apps_DeploymentCondition },
	{ 8, PB_INT, PB_PTR|PB_OMIT, "collisionCount", NULL },
};
static const struct pb_msg m_apps_DeploymentStatus = { "DeploymentStatus", CF_ARRAY_SIZE(m_apps_DeploymentStatus_f), m_apps_DeploymentStatus_f };
static const struct pb_field m_batch_JobSpec_f[] = {
	{ 1, PB_INT, PB_PTR|PB_OMIT, "parallelism", NULL },
	{ 2, PB_INT, PB_PTR|PB_OMIT, "completions", NULL },
	{ 3, PB_INT, PB_PTR|PB_OMIT, "activeDeadlineSeconds", NULL },
	{ 11, PB_MSG, PB_PTR|PB_OMIT, "podFailurePolicy", &m_batch_PodFailurePolicy },
	{ 16, PB_MSG, PB_PTR|PB_OMIT, "successPolicy", &m_batch_SuccessPolicy },
	{ 7, PB_INT, PB_PTR|PB_OMIT, "backoffLimit", NULL },
	{ 12, PB_INT, PB_PTR|PB_OMIT, "backoffLimitPerIndex", NULL },
	{ 13, PB_INT, PB_PTR|PB_OMIT, "maxFailedIndexes", NULL },
	{ 4, PB_MSG, PB_PTR|PB_OMIT, "selector", &m_meta_LabelSelector },
	{ 5, PB_BOOL, PB_PTR|PB_OMIT, "manualSelector", NULL },
	{ 6, PB_MSG, 0, "template", &m_core_PodTemplateSpec },
	{ 8, PB_INT, PB_PTR|PB_OMIT, "ttlSecondsAfterFinished", NULL },
	{ 9, PB_STR, PB_PTR|PB_OMIT, "completionMode", NULL },
	{ 10, PB_BOOL, PB_PTR|PB_OMIT, "suspend", NULL },
	{ 14, PB_STR, PB_PTR|PB_OMIT, "podReplacementPolicy", NULL },
	{ 15, PB_STR, PB_PTR|PB_OMIT, "managedBy", NULL },
};
static const struct pb_msg m_batch_JobSpec = { "JobSpec", CF_ARRAY_SIZE(m_batch_JobSpec_f), m_batch_JobSpec_f };
static const struct pb_field m_batch_JobStatus_f[] = {
	{ 1, PB_MSG, PB_REP|PB_OMIT, "conditions", &m_batch_JobCondition },
	{ 2, PB_TIME, PB_PTR|PB_OMIT, "startTime", NULL },
	{ 3, PB_TIME, PB_PTR|PB_OMIT, "completionTime", NULL },
	{ 4, PB_INT, PB_OMIT, "active", NULL },
	{ 5, PB_INT, PB_OMIT, "succeeded", NULL },
	{ 6, PB_INT, PB_OMIT, "failed", NULL },
	{ 11, PB_INT, PB_PTR|PB_OMIT, "terminating", NULL },
	{ 7, PB_STR, PB_OMIT, "completedIndexes", NULL },
	{ 10, PB_STR, PB_PTR|PB_OMIT, "failedIndexes", NULL },
	{ 8, PB_MSG, PB_PTR|PB_OMIT, "uncountedTerminatedPods", &m_batch_UncountedTerminatedPods },
	{ 9, PB_INT, PB_PTR|PB_OMIT, "ready", NULL },
};
static const struct pb_msg m_batch_JobStatus = { "JobStatus", CF_ARRAY_SIZE(m_batch_JobStatus_f), m_batch_JobStatus_f };
static const struct pb_field m_batch_CronJobSpec_f[] = {
	{ 1, PB_STR, 0, "schedule", NULL },
	{ 8, PB_STR, PB_PTR|PB_OMIT, "timeZone", NULL },
	{ 2, PB_INT, PB_PTR|PB_OMIT, "startingDeadlineSeconds", NULL },
	{ 3, PB_STR, PB_OMIT, "concurrencyPolicy", NULL },
	{ 4, PB_BOOL, PB_PTR|PB_OMIT, "suspend", NULL },
	{ 5, PB_MSG, 0, "jobTemplate", &m_batch_JobTemplateSpec },
	{ 6, PB_INT, PB_PTR|PB_OMIT, "successfulJobsHistoryLimit", NULL },
	{ 7, PB_INT, PB_PTR|PB_OMIT, "failedJobsHistoryLimit", NULL },
};
static const struct pb_msg m_batch_CronJobSpec = { "CronJobSpec", CF_ARRAY_SIZE(m_batch_CronJobSpec_f), m_batch_CronJobSpec_f };
static const struct pb_field m_batch_CronJobStatus_f[] = {
	{ 1, PB_MSG, PB_REP|PB_OMIT, "active", &m_core_ObjectReference },
	{ 4, PB_TIME, PB_PTR|PB_OMIT, "lastScheduleTime", NULL },
	{ 5, PB_TIME, PB_PTR|PB_OMIT, "lastSuccessfulTime", NULL },
};
static const struct pb_msg m_batch_CronJobStatus = { "CronJobStatus", CF_ARRAY_SIZE(m_batch_CronJobStatus_f), m_batch_CronJobStatus_f };
static const struct pb_field m_rbac_PolicyRule_f[] = {
	{ 1, PB_STR, PB_REP, "verbs", NULL },
	{ 2, PB_STR, PB_REP|PB_OMIT, "apiGroups", NULL },
	{ 3, PB_STR, PB_REP|PB_OMIT, "resources", NULL },
	{ 4, PB_STR, PB_REP|PB_OMIT, "resourceNames", NULL },
	{ 5, PB_STR, PB_REP|PB_OMIT, "nonResourceURLs", NULL },
};
static const struct pb_msg m_rbac_PolicyRule = { "PolicyRule", CF_ARRAY_SIZE(m_rbac_PolicyRule_f), m_rbac_PolicyRule_f };
static const struct pb_field m_rbac_Subject_f[] = {
	{ 1, PB_STR, 0, "kind", NULL },
	{ 2, PB_STR, PB_OMIT, "apiGroup", NULL },
	{ 3, PB_STR, 0, "name", NULL },
	{ 4, PB_STR, PB_OMIT, "namespace", NULL },
};
static const struct pb_msg m_rbac_Subject = { "Subject", CF_ARRAY_SIZE(m_rbac_Subject_f), m_rbac_Subject_f };
static const struct pb_field m_rbac_RoleRef_f[] = {
	{ 1, PB_STR, 0, "apiGroup", NULL },
	{ 2, PB_STR, 0, "kind", NULL },
	{ 3, PB_STR, 0, "name", NULL },
};
static const struct pb_msg m_rbac_RoleRef = { "RoleRef", CF_ARRAY_SIZE(m_rbac_RoleRef_f), m_rbac_RoleRef_f };
static const struct pb_field m_rbac_AggregationRule_f[] = {
	{ 1, PB_MSG, PB_REP|PB_OMIT, "clusterRoleSelectors", &m_meta_LabelSelector },
};
static const struct pb_msg m_rbac_AggregationRule = { "AggregationRule", CF_ARRAY_SIZE(m_rbac_AggregationRule_f), m_rbac_AggregationRule_f };
static const struct pb_field m_net_IngressSpec_f[] = {
	{ 4, PB_STR, PB_PTR|PB_OMIT, "ingressClassName", NULL },
	{ 1, PB_MSG, PB_PTR|PB_OMIT, "defaultBackend", &m_net_IngressBackend },
	{ 2, PB_MSG, PB_REP|PB_OMIT, "tls", &m_net_IngressTLS },
	{ 3, PB_MSG, PB_REP|PB_OMIT, "rules", &m_net_IngressRule },
};
static const struct pb_msg m_net_IngressSpec = { "IngressSpec", CF_ARRAY_SIZE(m_net_IngressSpec_f), m_net_IngressSpec_f };
static const struct pb_field m_net_IngressStatus_f[] = {
	{ 1, PB_MSG, PB_OMIT, "loadBalancer", &m_net_IngressLoadBalancerStatus },
};
static const struct pb_msg m_net_IngressStatus = { "IngressStatus", CF_ARRAY_SIZE(m_net_IngressStatus_f), m_net_IngressStatus_f };
static const struct pb_field m_policy_PodDisruptionBudgetSpec_f[] = {
	{ 1, PB_IOS, PB_PTR|PB_OMIT, "minAvailable", NULL },
	{ 2, PB_MSG, PB_PTR|PB_OMIT, "selector", &m_meta_LabelSelector },
	{ 3, PB_IOS, PB_PTR|PB_OMIT, "maxUnavailable", NULL },
	{ 4, PB_STR, PB_PTR|PB_OMIT, "unhealthyPodEvictionPolicy", NULL },
};
static const struct pb_msg m_policy_PodDisruptionBudgetSpec = { "PodDisruptionBudgetSpec", CF_ARRAY_SIZE(m_policy_PodDisruptionBudgetSpec_f), m_policy_PodDisruptionBudgetSpec_f };
static const struct pb_field m_policy_PodDisruptionBudgetStatus_f[] = {
	{ 1, PB_INT, PB_OMIT, "observedGeneration", NULL },
	{ 2, PB_MAPTIME, PB_OMIT, "disruptedPods", NULL },
	{ 3, PB_INT, 0, "disruptionsAllowed", NULL },
	{ 4, PB_INT, 0, "currentHealthy", NULL },
	{ 5, PB_INT, 0, "desiredHealthy", NULL },
	{ 6, PB_INT, 0, "expectedPods", NULL },
	{ 7, PB_MSG, PB_REP|PB_OMIT, "conditions", &m_meta_Condition },
};
static const struct pb_msg m_policy_PodDisruptionBudgetStatus = { "PodDisruptionBudgetStatus", CF_ARRAY_SIZE(m_policy_PodDisruptionBudgetStatus_f), m_policy_PodDisruptionBudgetStatus_f };
static const struct pb_field m_meta_OwnerReference_f[] = {
	{ 5, PB_STR, 0, "apiVersion", NULL },
	{ 1, PB_STR, 0, "kind", NULL },
	{ 3, PB_STR, 0, "name", NULL },
	{ 4, PB_STR, 0, "uid", NULL },
	{ 6, PB_BOOL, PB_PTR|PB_OMIT, "controller", NULL },
	{ 7, PB_BOOL, PB_PTR|PB_OMIT, "blockOwnerDeletion", NULL },
};
static const struct pb_msg m_meta_OwnerReference = { "OwnerReference", CF_ARRAY_SIZE(m_meta_OwnerReference_f), m_meta_OwnerReference_f };
static const struct pb_field m_meta_ManagedFieldsEntry_f[] = {
	{ 1, PB_STR, PB_OMIT, "manager", NULL },
	{ 2, PB_STR, PB_OMIT, "operation", NULL },
	{ 3, PB_STR, PB_OMIT, "apiVersion", NULL },
	{ 4, PB_TIME, PB_PTR|PB_OMIT, "time", NULL },
	{ 6, PB_STR, PB_OMIT, "fieldsType", NULL },
	{ 7, PB_RAWJSON, PB_PTR|PB_OMIT, "fieldsV1", NULL },
	{ 8, PB_STR, PB_OMIT, "subresource", NULL },
};
static const struct pb_msg m_meta_ManagedFieldsEntry = { "ManagedFieldsEntry", CF_ARRAY_SIZE(m_meta_ManagedFieldsEntry_f), m_meta_ManagedFieldsEntry_f };
static const struct pb_field m_authz_ResourceAttributes_f[] = {
	{ 1, PB_STR, PB_OMIT, "namespace", NULL },
	{ 2, PB_STR, PB_OMIT, "verb", NULL },
	{ 3, PB_STR, PB_OMIT, "group", NULL },
	{ 4, PB_STR, PB_OMIT, "version", NULL },
	{ 5, PB_STR, PB_OMIT, "resource", NULL },
	{ 6, PB_STR, PB_OMIT, "subresource", NULL },
	{ 7, PB_STR, PB_OMIT, "name", NULL },
	{ 8, PB_MSG, PB_PTR|PB_OMIT, "fieldSelector", &m_authz_FieldSelectorAttributes },
	{ 9, PB_MSG, PB_PTR|PB_OMIT, "labelSelector", &m_authz_LabelSelectorAttributes },
};
static const struct pb_msg m_authz_ResourceAttributes = { "ResourceAttributes", CF_ARRAY_SIZE(m_authz_ResourceAttributes_f), m_authz_ResourceAttributes_f };
static const struct pb_field m_authz_NonResourceAttributes_f[] = {
	{ 1, PB_STR, PB_OMIT, "path", NULL },
	{ 2, PB_STR, PB_OMIT, "verb", NULL },
};
static const struct pb_msg m_authz_NonResourceAttributes = { "NonResourceAttributes", CF_ARRAY_SIZE(m_authz_NonResourceAttributes_f), m_authz_NonResourceAttributes_f };
static const struct pb_field m_authz_ResourceRule_f[] = {
	{ 1, PB_STR, PB_REP, "verbs", NULL },
	{ 2, PB_STR, PB_REP|PB_OMIT, "apiGroups", NULL },
	{ 3, PB_STR, PB_REP|PB_OMIT, "resources", NULL },
	{ 4, PB_STR, PB_REP|PB_OMIT, "resourceNames", NULL },
};
static const struct pb_msg m_authz_ResourceRule = { "ResourceRule", CF_ARRAY_SIZE(m_authz_ResourceRule_f), m_authz_ResourceRule_f };
static const struct pb_field m_authz_NonResourceRule_f[] = {
	{ 1, PB_STR, PB_REP, "verbs", NULL },
	{ 2, PB_STR, PB_REP|PB_OMIT, "nonResourceURLs", NULL },
};
static const struct pb_msg m_authz_NonResourceRule = { "NonResourceRule", CF_ARRAY_SIZE(m_authz_NonResourceRule_f), m_authz_NonResourceRule_f };
static const struct pb_field m_authn_BoundObjectReference_f[] = {
	{ 1, PB_STR, PB_OMIT, "kind", NULL },
	{ 2, PB_STR, PB_OMIT, "apiVersion", NULL },
	{ 3, PB_STR, PB_OMIT, "name", NULL },
	{ 4, PB_STR, PB_OMIT, "uid", NULL },
};
static const struct pb_msg m_authn_BoundObjectReference = { "BoundObjectReference", CF_ARRAY_SIZE(m_authn_BoundObjectReference_f), m_authn_BoundObjectReference_f };
static const struct pb_field m_authn_UserInfo_f[] = {
	{ 1, PB_STR, PB_OMIT, "username", NULL },
	{ 2, PB_STR, PB_OMIT, "uid", NULL },
	{ 3, PB_STR, PB_REP|PB_OMIT, "groups", NULL },
	{ 4, PB_EXTRA, PB_OMIT, "extra", NULL },
};
static const struct pb_msg m_authn_UserInfo = { "UserInfo", CF_ARRAY_SIZE(m_authn_UserInfo_f), m_authn_UserInfo_f };
static const struct pb_field m_core_NamespaceCondition_f[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_STR, 0, "status", NULL },
	{ 4, PB_TIME, PB_OMIT, "lastTransitionTime", NULL },
	{ 5, PB_STR, PB_OMIT, "reason", NULL },
	{ 6, PB_STR, PB_OMIT, "message", NULL },
};
static const struct pb_msg m_core_NamespaceCondition = { "NamespaceCondition", CF_ARRAY_SIZE(m_core_NamespaceCondition_f), m_core_NamespaceCondition_f };
static const struct pb_field m_core_ServicePort_f[] = {
	{ 1, PB_STR, PB_OMIT, "name", NULL },
	{ 2, PB_STR, PB_OMIT, "protocol", NULL },
	{ 6, PB_STR, PB_PTR|PB_OMIT, "appProtocol", NULL },
	{ 3, PB_INT, 0, "port", NULL },
	{ 4, PB_IOS, PB_OMIT, "targetPort", NULL },
	{ 5, PB_INT, PB_OMIT, "nodePort", NULL },
};
static const struct pb_msg m_core_ServicePort = { "ServicePort", CF_ARRAY_SIZE(m_core_ServicePort_f), m_core_ServicePort_f };
static const struct pb_field m_core_SessionAffinityConfig_f[] = {
	{ 1, PB_MSG, PB_PTR|PB_OMIT, "clientIP", &m_core_ClientIPConfig },
};
static const struct pb_msg m_core_SessionAffinityConfig = { "SessionAffinityConfig", CF_ARRAY_SIZE(m_core_SessionAffinityConfig_f), m_core_SessionAffinityConfig_f };
static const struct pb_field m_core_LoadBalancerStatus_f[] = {
	{ 1, PB_MSG, PB_REP|PB_OMIT, "ingress", &m_core_LoadBalancerIngress },
};
static const struct pb_msg m_core_LoadBalancerStatus = { "LoadBalancerStatus", CF_ARRAY_SIZE(m_core_LoadBalancerStatus_f), m_core_LoadBalancerStatus_f };
static const struct pb_field m_meta_Condition_f[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_STR, 0, "status", NULL },
	{ 3, PB_INT, PB_OMIT, "observedGeneration", NULL },
	{ 4, PB_TIME, 0, "lastTransitionTime", NULL },
	{ 5, PB_STR, 0, "reason", NULL },
	{ 6, PB_STR, 0, "message", NULL },
};
static const struct pb_msg m_meta_Condition = { "Condition", CF_ARRAY_SIZE(m_meta_Condition_f), m_meta_Condition_f };
static const struct pb_field m_core_Volume_f[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_MSG, PB_INLINE, NULL, &m_core_VolumeSource },
};
static const struct pb_msg m_core_Volume = { "Volume", CF_ARRAY_SIZE(m_core_Volume_f), m_core_Volume_f };
static const struct pb_field m_core_Container_f[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_STR, PB_OMIT, "image", NULL },
	{ 3, PB_STR, PB_REP|PB_OMIT, "command", NULL },
	{ 4, PB_STR, PB_REP|PB_OMIT, "args", NULL },
	{ 5, PB_STR, PB_OMIT, "workingDir", NULL },
	{ 6, PB_MSG, PB_REP|PB_OMIT, "ports", &m_core_ContainerPort },
	{ 19, PB_MSG, PB_REP|PB_OMIT, "envFrom", &m_core_EnvFromSource },
	{ 7, PB_MSG, PB_REP|PB_OMIT, "env", &m_core_EnvVar },
	{ 8, PB_MSG, PB_OMIT, "resources", &m_core_ResourceRequirements },
	{ 23, PB_MSG, PB_REP|PB_OMIT, "resizePolicy", &m_core_ContainerResizePolicy },
	{ 24, PB_STR, PB_PTR|PB_OMIT, "restartPolicy", NULL },
	{ 9, PB_MSG, PB_REP|PB_OMIT, "volumeMounts", &m_core_VolumeMount },
	{ 21, PB_MSG, PB_REP|PB_OMIT, "volumeDevices", &m_core_VolumeDevice },
	{ 10, PB_MSG, PB_PTR|PB_OMIT, "livenessProbe", &m_core_Probe },
	{ 11, PB_MSG, PB_PTR|PB_OMIT, "readinessProbe", &m_core_Probe },
	{ 22, PB_MSG, PB_PTR|PB_OMIT, "startupProbe", &m_core_Probe },
	{ 12, PB_MSG, PB_PTR|PB_OMIT, "lifecycle", &m_core_Lifecycle },
	{ 13, PB_STR, PB_OMIT, "terminationMessagePath", NULL },
	{ 20, PB_STR, PB_OMIT, "terminationMessagePolicy", NULL },
	{ 14, PB_STR, PB_OMIT, "imagePullPolicy", NULL },
	{ 15, PB_MSG, PB_PTR|PB_OMIT, "securityContext", &m_core_SecurityContext },
	{ 16, PB_BOOL, PB_OMIT, "stdin", NULL },
	{ 17, PB_BOOL, PB_OMIT, "stdinOnce", NULL },
	{ 18, PB_BOOL, PB_OMIT, "tty", NULL },
};
static const struct pb_msg m_core_Container = { "Container", CF_ARRAY_SIZE(m_core_Container_f), m_core_Container_f };
static const struct pb_field m_core_EphemeralContainer_f[] = {
	{ 1, PB_MSG, PB_INLINE, NULL, &m_core_EphemeralContainerCommon },
	{ 2, PB_STR, PB_OMIT, "targetContainerName", NULL },
};
static const struct pb_msg m_core_EphemeralContainer = { "EphemeralContainer", CF_ARRAY_SIZE(m_core_EphemeralContainer_f), m_core_EphemeralContainer_f };
static const struct pb_field m_core_PodSecurityContext_f[] = {
	{ 1, PB_MSG, PB_PTR|PB_OMIT, "seLinuxOptions", &m_core_SELinuxOptions },
	{ 8, PB_MSG, PB_PTR|PB_OMIT, "windowsOptions", &m_core_WindowsSecurityContextOptions },
	{ 2, PB_INT, PB_PTR|PB_OMIT, "runAsUser", NULL },
	{ 6, PB_INT, PB_PTR|PB_OMIT, "runAsGroup", NULL },
	{ 3, PB_BOOL, PB_PTR|PB_OMIT, "runAsNonRoot", NULL },
	{ 4, PB_INT, PB_REP|PB_OMIT, "supplementalGroups", NULL },
	{ 12, PB_STR, PB_PTR|PB_OMIT, "supplementalGroupsPolicy", NULL },
	{ 5, PB_INT, PB_PTR|PB_OMIT, "fsGroup", NULL },
	{ 7, PB_MSG, PB_REP|PB_OMIT, "sysctls", &m_core_Sysctl },
	{ 9, PB_STR, PB_PTR|PB_OMIT, "fsGroupChangePolicy", NULL },
	{ 10, PB_MSG, PB_PTR|PB_OMIT, "seccompProfile", &m_core_SeccompProfile },
	{ 11, PB_MSG, PB_PTR|PB_OMIT, "appArmorProfile", &m_core_AppArmorProfile },
	{ 13, PB_STR, PB_PTR|PB_OMIT, "seLinuxChangePolicy", NULL },
};
static const struct pb_msg m_core_PodSecurityContext = { "PodSecurityContext", CF_ARRAY_SIZE(m_core_PodSecurityContext_f), m_core_PodSecurityContext_f };
static const struct pb_field m_core_Affinity_f[] = {
	{ 1, PB_MSG, PB_PTR|PB_OMIT, "nodeAffinity", &m_core_NodeAffinity },
	{ 2, PB_MSG, PB_PTR|PB_OMIT, "podAffinity", &m_core_PodAffinity },
	{ 3, PB_MSG, PB_PTR|PB_OMIT, "podAntiAffinity", &m_core_PodAntiAffinity },
};
static const struct pb_msg m_core_Affinity = { "Affinity", CF_ARRAY_SIZE(m_core_Affinity_f), m_core_Affinity_f };
static const struct pb_field m_core_Toleration_f[] = {
	{ 1, PB_STR, PB_OMIT, "key", NULL },
	{ 2, PB_STR, PB_OMIT, "operator", NULL },
	{ 3, PB_STR, PB_OMIT, "value", NULL },
	{ 4, PB_STR, PB_OMIT, "effect", NULL },
	{ 5, PB_INT, PB_PTR|PB_OMIT, "tolerationSeconds", NULL },
};
static const struct pb_msg m_core_Toleration = { "Toleration", CF_ARRAY_SIZE(m_core_Toleration_f), m_core_Toleration_f };
static const struct pb_field m_core_HostAlias_f[] = {
	{ 1, PB_STR, 0, "ip", NULL },
	{ 2, PB_STR, PB_REP|PB_OMIT, "hostnames", NULL },
};
static const struct pb_msg m_core_HostAlias = { "HostAlias", CF_ARRAY_SIZE(m_core_HostAlias_f), m_core_HostAlias_f };
static const struct pb_field m_core_PodDNSConfig_f[] = {
	{ 1, PB_STR, PB_REP|PB_OMIT, "nameservers", NULL },
	{ 2, PB_STR, PB_REP|PB_OMIT, "searches", NULL },
	{ 3, PB_MSG, PB_REP|PB_OMIT, "options", &m_core_PodDNSConfigOption },
};
static const struct pb_msg m_core_PodDNSConfig = { "PodDNSConfig", CF_ARRAY_SIZE(m_core_PodDNSConfig_f), m_core_PodDNSConfig_f };
static const struct pb_field m_core_PodReadinessGate_f[] = {
	{ 1, PB_STR, 0, "conditionType", NULL },
};
static const struct pb_msg m_core_PodReadinessGate = { "PodReadinessGate", CF_ARRAY_SIZE(m_core_PodReadinessGate_f), m_core_PodReadinessGate_f };
static const struct pb_field m_core_TopologySpreadConstraint_f[] = {
	{ 1, PB_INT, 0, "maxSkew", NULL },
	{ 2, PB_STR, 0, "topologyKey", NULL },
	{ 3, PB_STR, 0, "whenUnsatisfiable", NULL },
	{ 4, PB_MSG, PB_PTR|PB_OMIT, "labelSelector", &m_meta_LabelSelector },
	{ 5, PB_INT, PB_PTR|PB_OMIT, "minDomains", NULL },
	{ 6, PB_STR, PB_PTR|PB_OMIT, "nodeAffinityPolicy", NULL },
	{ 7, PB_STR, PB_PTR|PB_OMIT, "nodeTaintsPolicy", NULL },
	{ 8, PB_STR, PB_REP|PB_OMIT, "matchLabelKeys", NULL },
};
static const struct pb_msg m_core_TopologySpreadConstraint = { "TopologySpreadConstraint", CF_ARRAY_SIZE(m_core_TopologySpreadConstraint_f), m_core_TopologySpreadConstraint_f };
static const struct pb_field m_core_PodOS_f[] = {
	{ 1, PB_STR, 0, "name", NULL },
};
static const struct pb_msg m_core_PodOS = { "PodOS", CF_ARRAY_SIZE(m_core_PodOS_f), m_core_PodOS_f };
static const struct pb_field m_core_PodSchedulingGate_f[] = {
	{ 1, PB_STR, 0, "name", NULL },
};
static const struct pb_msg m_core_PodSchedulingGate = { "PodSchedulingGate", CF_ARRAY_SIZE(m_core_PodSchedulingGate_f), m_core_PodSchedulingGate_f };
static const struct pb_field m_core_PodResourceClaim_f[] = {
	{ 3, PB_STR, PB_PTR|PB_OMIT, "resourceClaimName", NULL },
	{ 4, PB_STR, PB_PTR|PB_OMIT, "resourceClaimTemplateName", NULL },
};
static const struct pb_msg m_core_PodResourceClaim = { "PodResourceClaim", CF_ARRAY_SIZE(m_core_PodResourceClaim_f), m_core_PodResourceClaim_f };
static const struct pb_field m_core_ResourceRequirements_f[] = {
	{ 1, PB_MAPQTY, PB_OMIT, "limits", NULL },
	{ 2, PB_MAPQTY, PB_OMIT, "requests", NULL },
	{ 3, PB_MSG, PB_REP|PB_OMIT, "claims", &m_core_ResourceClaim },
};
static const struct pb_msg m_core_ResourceRequirements = { "ResourceRequirements", CF_ARRAY_SIZE(m_core_ResourceRequirements_f), m_core_ResourceRequirements_f };
static const struct pb_field m_core_PodCondition_f[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_STR, 0, "status", NULL },
	{ 3, PB_TIME, PB_OMIT, "lastProbeTime", NULL },
	{ 4, PB_TIME, PB_OMIT, "lastTransitionTime", NULL },
	{ 5, PB_STR, PB_OMIT, "reason", NULL },
	{ 6, PB_STR, PB_OMIT, "message", NULL },
};
static const struct pb_msg m_core_PodCondition = { "PodCondition", CF_ARRAY_SIZE(m_core_PodCondition_f), m_core_PodCondition_f };
static const struct pb_field m_core_HostIP_f[] = {
	{ 1, PB_STR, 0, "ip", NULL },
};
static const struct pb_msg m_core_HostIP = { "HostIP", CF_ARRAY_SIZE(m_core_HostIP_f), m_core_HostIP_f };
static const struct pb_field m_core_PodIP_f[] = {
	{ 1, PB_STR, 0, "ip", NULL },
};
static const struct pb_msg m_core_PodIP = { "PodIP", CF_ARRAY_SIZE(m_core_PodIP_f), m_core_PodIP_f };
static const struct pb_field m_core_ContainerStatus_f[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_MSG, PB_OMIT, "state", &m_core_ContainerState },
	{ 3, PB_MSG, PB_OMIT, "lastState", &m_core_ContainerState },
	{ 4, PB_BOOL, 0, "ready", NULL },
	{ 5, PB_INT, 0, "restartCount", NULL },
	{ 6, PB_STR, 0, "image", NULL },
	{ 7, PB_STR, 0, "imageID", NULL },
	{ 8, PB_STR, PB_OMIT, "containerID", NULL },
	{ 9, PB_BOOL, PB_PTR|PB_OMIT, "started", NULL },
	{ 10, PB_MAPQTY, PB_OMIT, "allocatedResources", NULL },
	{ 11, PB_MSG, PB_PTR|PB_OMIT, "resources", &m_core_ResourceRequirements },
	{ 12, PB_MSG, PB_REP|PB_OMIT, "volumeMounts", &m_core_VolumeMountStatus },
	{ 13, PB_MSG, PB_PTR|PB_OMIT, "user", &m_core_ContainerUser },
	{ 14, PB_MSG, PB_REP|PB_OMIT, "allocatedResourcesStatus", &m_core_ResourceStatus },
};
static const struct pb_msg m_core_ContainerStatus = { "ContainerStatus", CF_ARRAY_SIZE(m_core_ContainerStatus_f), m_core_ContainerStatus_f };
static const struct pb_field m_core_PodResourceClaimStatus_f[] = {
	{ 2, PB_STR, PB_PTR|PB_OMIT, "resourceClaimName", NULL },
};
static const struct pb_msg m_core_PodResourceClaimStatus = { "PodResourceClaimStatus", CF_ARRAY_SIZE(m_core_PodResourceClaimStatus_f), m_core_PodResourceClaimStatus_f };
static const struct pb_field m_core_ScopeSelector_f[] = {
	{ 1, PB_MSG, PB_REP|PB_OMIT, "matchExpressions", &m_core_ScopedResourceSelectorRequirement },
};
static const struct pb_msg m_core_ScopeSelector = { "ScopeSelector", CF_ARRAY_SIZE(m_core_ScopeSelector_f), m_core_ScopeSelector_f };
static const struct pb_field m_meta_LabelSelector_f[] = {
	{ 1, PB_MAPSTR, PB_OMIT, "matchLabels", NULL },
	{ 2, PB_MSG, PB_REP|PB_OMIT, "matchExpressions", &m_meta_LabelSelectorRequirement },
};
static const struct pb_msg m_meta_LabelSelector = { "LabelSelector", CF_ARRAY_SIZE(m_meta_LabelSelector_f), m_meta_LabelSelector_f };
static const struct pb_field m_core_PodTemplateSpec_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, PB_OMIT, "spec", &m_core_PodSpec },
};
static const struct pb_msg m_core_PodTemplateSpec = { "PodTemplateSpec", CF_ARRAY_SIZE(m_core_PodTemplateSpec_f), m_core_PodTemplateSpec_f };
static const struct pb_field m_apps_DeploymentStrategy_f[] = {
	{ 1, PB_STR, PB_OMIT, "type", NULL },
	{ 2, PB_MSG, PB_PTR|PB_OMIT, "rollingUpdate", &m_apps_RollingUpdateDeployment },
};
static const struct pb_msg m_apps_DeploymentStrategy = { "DeploymentStrategy", CF_ARRAY_SIZE(m_apps_DeploymentStrategy_f), m_apps_DeploymentStrategy_f };
static const struct pb_field m_apps_DeploymentCondition_f[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_STR, 0, "status", NULL },
	{ 6, PB_TIME, PB_OMIT, "lastUpdateTime", NULL },
	{ 7, PB_TIME, PB_OMIT, "lastTransitionTime", NULL },
	{ 4, PB_STR, PB_OMIT, "reason", NULL },
	{ 5, PB_STR, PB_OMIT, "message", NULL },
};
static const struct pb_msg m_apps_DeploymentCondition = { "DeploymentCondition", CF_ARRAY_SIZE(m_apps_DeploymentCondition_f), m_apps_DeploymentCondition_f };
static const struct pb_field m_batch_PodFailurePolicy_f[] = {
	{ 1, PB_MSG, PB_REP, "rules", &m_batch_PodFailurePolicyRule },
};
static const struct pb_msg m_batch_PodFailurePolicy = { "PodFailurePolicy", CF_ARRAY_SIZE(m_batch_PodFailurePolicy_f), m_batch_PodFailurePolicy_f };
static const struct pb_field m_batch_SuccessPolicy_f[] = {
	{ 1, PB_MSG, PB_REP, "rules", &m_batch_SuccessPolicyRule },
};
static const struct pb_msg m_batch_SuccessPolicy = { "SuccessPolicy", CF_ARRAY_SIZE(m_batch_SuccessPolicy_f), m_batch_SuccessPolicy_f };
static const struct pb_field m_batch_JobCondition_f[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_STR, 0, "status", NULL },
	{ 3, PB_TIME, PB_OMIT, "lastProbeTime", NULL },
	{ 4, PB_TIME, PB_OMIT, "lastTransitionTime", NULL },
	{ 5, PB_STR, PB_OMIT, "reason", NULL },
	{ 6, PB_STR, PB_OMIT, "message", NULL },
};
static const struct pb_msg m_batch_JobCondition = { "JobCondition", CF_ARRAY_SIZE(m_batch_JobCondition_f), m_batch_JobCondition_f };
static const struct pb_field m_batch_UncountedTerminatedPods_f[] = {
	{ 1, PB_STR, PB_REP|PB_OMIT, "succeeded", NULL },
	{ 2, PB_STR, PB_REP|PB_OMIT, "failed", NULL },
};
static const struct pb_msg m_batch_UncountedTerminatedPods = { "UncountedTerminatedPods", CF_ARRAY_SIZE(m_batch_UncountedTerminatedPods_f), m_batch_UncountedTerminatedPods_f };
static const struct pb_field m_batch_JobTemplateSpec_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
	{ 2, PB_MSG, PB_OMIT, "spec", &m_batch_JobSpec },
};
static const struct pb_msg m_batch_JobTemplateSpec = { "JobTemplateSpec", CF_ARRAY_SIZE(m_batch_JobTemplateSpec_f), m_batch_JobTemplateSpec_f };
static const struct pb_field m_net_IngressBackend_f[] = {
	{ 4, PB_MSG, PB_PTR|PB_OMIT, "service", &m_net_IngressServiceBackend },
	{ 3, PB_MSG, PB_PTR|PB_OMIT, "resource", &m_core_TypedLocalObjectReference },
};
static const struct pb_msg m_net_IngressBackend = { "IngressBackend", CF_ARRAY_SIZE(m_net_IngressBackend_f), m_net_IngressBackend_f };
static const struct pb_field m_net_IngressTLS_f[] = {
	{ 1, PB_STR, PB_REP|PB_OMIT, "hosts", NULL },
	{ 2, PB_STR, PB_OMIT, "secretName", NULL },
};
static const struct pb_msg m_net_IngressTLS = { "IngressTLS", CF_ARRAY_SIZE(m_net_IngressTLS_f), m_net_IngressTLS_f };
static const struct pb_field m_net_IngressRule_f[] = {
	{ 1, PB_STR, PB_OMIT, "host", NULL },
	{ 2, PB_MSG, PB_INLINE, NULL, &m_net_IngressRuleValue },
};
static const struct pb_msg m_net_IngressRule = { "IngressRule", CF_ARRAY_SIZE(m_net_IngressRule_f), m_net_IngressRule_f };
static const struct pb_field m_net_IngressLoadBalancerStatus_f[] = {
	{ 1, PB_MSG, PB_REP|PB_OMIT, "ingress", &m_net_IngressLoadBalancerIngress },
};
static const struct pb_msg m_net_IngressLoadBalancerStatus = { "IngressLoadBalancerStatus", CF_ARRAY_SIZE(m_net_IngressLoadBalancerStatus_f), m_net_IngressLoadBalancerStatus_f };
static const struct pb_field m_authz_FieldSelectorAttributes_f[] = {
	{ 1, PB_STR, PB_OMIT, "rawSelector", NULL },
	{ 2, PB_MSG, PB_REP|PB_OMIT, "requirements", &m_meta_FieldSelectorRequirement },
};
static const struct pb_msg m_authz_FieldSelectorAttributes = { "FieldSelectorAttributes", CF_ARRAY_SIZE(m_authz_FieldSelectorAttributes_f), m_authz_FieldSelectorAttributes_f };
static const struct pb_field m_authz_LabelSelectorAttributes_f[] = {
	{ 1, PB_STR, PB_OMIT, "rawSelector", NULL },
	{ 2, PB_MSG, PB_REP|PB_OMIT, "requirements", &m_meta_LabelSelectorRequirement },
};
static const struct pb_msg m_authz_LabelSelectorAttributes = { "LabelSelectorAttributes", CF_ARRAY_SIZE(m_authz_LabelSelectorAttributes_f), m_authz_LabelSelectorAttributes_f };
static const struct pb_field m_core_ClientIPConfig_f[] = {
	{ 1, PB_INT, PB_PTR|PB_OMIT, "timeoutSeconds", NULL },
};
static const struct pb_msg m_core_ClientIPConfig = { "ClientIPConfig", CF_ARRAY_SIZE(m_core_ClientIPConfig_f), m_core_ClientIPConfig_f };
static const struct pb_field m_core_LoadBalancerIngress_f[] = {
	{ 1, PB_STR, PB_OMIT, "ip", NULL },
	{ 2, PB_STR, PB_OMIT, "hostname", NULL },
	{ 3, PB_STR, PB_PTR|PB_OMIT, "ipMode", NULL },
	{ 4, PB_MSG, PB_REP|PB_OMIT, "ports", &m_core_PortStatus },
};
static const struct pb_msg m_core_LoadBalancerIngress = { "LoadBalancerIngress", CF_ARRAY_SIZE(m_core_LoadBalancerIngress_f), m_core_LoadBalancerIngress_f };
static const struct pb_field m_core_VolumeSource_f[] = {
	{ 1, PB_MSG, PB_PTR|PB_OMIT, "hostPath", &m_core_HostPathVolumeSource },
	{ 2, PB_MSG, PB_PTR|PB_OMIT, "emptyDir", &m_core_EmptyDirVolumeSource },
	{ 3, PB_MSG, PB_PTR|PB_OMIT, "gcePersistentDisk", &m_core_GCEPersistentDiskVolumeSource },
	{ 4, PB_MSG, PB_PTR|PB_OMIT, "awsElasticBlockStore", &m_core_AWSElasticBlockStoreVolumeSource },
	{ 5, PB_MSG, PB_PTR|PB_OMIT, "gitRepo", &m_core_GitRepoVolumeSource },
	{ 6, PB_MSG, PB_PTR|PB_OMIT, "secret", &m_core_SecretVolumeSource },
	{ 7, PB_MSG, PB_PTR|PB_OMIT, "nfs", &m_core_NFSVolumeSource },
	{ 8, PB_MSG, PB_PTR|PB_OMIT, "iscsi", &m_core_ISCSIVolumeSource },
	{ 9, PB_MSG, PB_PTR|PB_OMIT, "glusterfs", &m_core_GlusterfsVolumeSource },
	{ 10, PB_MSG, PB_PTR|PB_OMIT, "persistentVolumeClaim", &m_core_PersistentVolumeClaimVolumeSource },
	{ 11, PB_MSG, PB_PTR|PB_OMIT, "rbd", &m_core_RBDVolumeSource },
	{ 12, PB_MSG, PB_PTR|PB_OMIT, "flexVolume", &m_core_FlexVolumeSource },
	{ 13, PB_MSG, PB_PTR|PB_OMIT, "cinder", &m_core_CinderVolumeSource },
	{ 14, PB_MSG, PB_PTR|PB_OMIT, "cephfs", &m_core_CephFSVolumeSource },
	{ 15, PB_MSG, PB_PTR|PB_OMIT, "flocker", &m_core_FlockerVolumeSource },
	{ 16, PB_MSG, PB_PTR|PB_OMIT, "downwardAPI", &m_core_DownwardAPIVolumeSource },
	{ 17, PB_MSG, PB_PTR|PB_OMIT, "fc", &m_core_FCVolumeSource },
	{ 18, PB_MSG, PB_PTR|PB_OMIT, "azureFile", &m_core_AzureFileVolumeSource },
	{ 19, PB_MSG, PB_PTR|PB_OMIT, "configMap", &m_core_ConfigMapVolumeSource },
	{ 20, PB_MSG, PB_PTR|PB_OMIT, "vsphereVolume", &m_core_VsphereVirtualDiskVolumeSource },
	{ 21, PB_MSG, PB_PTR|PB_OMIT, "quobyte", &m_core_QuobyteVolumeSource },
	{ 22, PB_MSG, PB_PTR|PB_OMIT, "azureDisk", &m_core_AzureDiskVolumeSource },
	{ 23, PB_MSG, PB_PTR|PB_OMIT, "photonPersistentDisk", &m_core_PhotonPersistentDiskVolumeSource },
	{ 26, PB_MSG, PB_PTR|PB_OMIT, "projected", &m_core_ProjectedVolumeSource },
	{ 24, PB_MSG, PB_PTR|PB_OMIT, "portworxVolume", &m_core_PortworxVolumeSource },
	{ 25, PB_MSG, PB_PTR|PB_OMIT, "scaleIO", &m_core_ScaleIOVolumeSource },
	{ 27, PB_MSG, PB_PTR|PB_OMIT, "storageos", &m_core_StorageOSVolumeSource },
	{ 28, PB_MSG, PB_PTR|PB_OMIT, "csi", &m_core_CSIVolumeSource },
	{ 29, PB_MSG, PB_PTR|PB_OMIT, "ephemeral", &m_core_EphemeralVolumeSource },
	{ 30, PB_MSG, PB_PTR|PB_OMIT, "image", &m_core_ImageVolumeSource },
};
static const struct pb_msg m_core_VolumeSource = { "VolumeSource", CF_ARRAY_SIZE(m_core_VolumeSource_f), m_core_VolumeSource_f };
static const struct pb_field m_core_ContainerPort_f[] = {
	{ 1, PB_STR, PB_OMIT, "name", NULL },
	{ 2, PB_INT, PB_OMIT, "hostPort", NULL },
	{ 3, PB_INT, 0, "containerPort", NULL },
	{ 4, PB_STR, PB_OMIT, "protocol", NULL },
	{ 5, PB_STR, PB_OMIT, "hostIP", NULL },
};
static const struct pb_msg m_core_ContainerPort = { "ContainerPort", CF_ARRAY_SIZE(m_core_ContainerPort_f), m_core_ContainerPort_f };
static const struct pb_field m_core_EnvFromSource_f[] = {
	{ 1, PB_STR, PB_OMIT, "prefix", NULL },
	{ 2, PB_MSG, PB_PTR|PB_OMIT, "configMapRef", &m_core_ConfigMapEnvSource },
	{ 3, PB_MSG, PB_PTR|PB_OMIT, "secretRef", &m_core_SecretEnvSource },
};
static const struct pb_msg m_core_EnvFromSource = { "EnvFromSource", CF_ARRAY_SIZE(m_core_EnvFromSource_f), m_core_EnvFromSource_f };
static const struct pb_field m_core_EnvVar_f[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_STR, PB_OMIT, "value", NULL },
	{ 3, PB_MSG, PB_PTR|PB_OMIT, "valueFrom", &m_core_EnvVarSource },
};
static const struct pb_msg m_core_EnvVar = { "EnvVar", CF_ARRAY_SIZE(m_core_EnvVar_f), m_core_EnvVar_f };
static const struct pb_field m_core_ContainerResizePolicy_f[] = {
	{ 1, PB_STR, 0, "resourceName", NULL },
	{ 2, PB_STR, 0, "restartPolicy", NULL },
};
static const struct pb_msg m_core_ContainerResizePolicy = { "ContainerResizePolicy", CF_ARRAY_SIZE(m_core_ContainerResizePolicy_f), m_core_ContainerResizePolicy_f };
static const struct pb_field m_core_VolumeMount_f[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_BOOL, PB_OMIT, "readOnly", NULL },
	{ 7, PB_STR, PB_PTR|PB_OMIT, "recursiveReadOnly", NULL },
	{ 3, PB_STR, 0, "mountPath", NULL },
	{ 4, PB_STR, PB_OMIT, "subPath", NULL },
	{ 5, PB_STR, PB_PTR|PB_OMIT, "mountPropagation", NULL },
	{ 6, PB_STR, PB_OMIT, "subPathExpr", NULL },
};
static const struct pb_msg m_core_VolumeMount = { "VolumeMount", CF_ARRAY_SIZE(m_core_VolumeMount_f), m_core_VolumeMount_f };
static const struct pb_field m_core_VolumeDevice_f[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_STR, 0, "devicePath", NULL },
};
static const struct pb_msg m_core_VolumeDevice = { "VolumeDevice", CF_ARRAY_SIZE(m_core_VolumeDevice_f), m_core_VolumeDevice_f };
static const struct pb_field m_core_Probe_f[] = {
	{ 1, PB_MSG, PB_INLINE, NULL, &m_core_ProbeHandler },
	{ 2, PB_INT, PB_OMIT, "initialDelaySeconds", NULL },
	{ 3, PB_INT, PB_OMIT, "timeoutSeconds", NULL },
	{ 4, PB_INT, PB_OMIT, "periodSeconds", NULL },
	{ 5, PB_INT, PB_OMIT, "successThreshold", NULL },
	{ 6, PB_INT, PB_OMIT, "failureThreshold", NULL },
	{ 7, PB_INT, PB_PTR|PB_OMIT, "terminationGracePeriodSeconds", NULL },
};
static const struct pb_msg m_core_Probe = { "Probe", CF_ARRAY_SIZE(m_core_Probe_f), m_core_Probe_f };
static const struct pb_field m_core_Lifecycle_f[] = {
	{ 1, PB_MSG, PB_PTR|PB_OMIT, "postStart", &m_core_LifecycleHandler },
	{ 2, PB_MSG, PB_PTR|PB_OMIT, "preStop", &m_core_LifecycleHandler },
};
static const struct pb_msg m_core_Lifecycle = { "Lifecycle", CF_ARRAY_SIZE(m_core_Lifecycle_f), m_core_Lifecycle_f };
static const struct pb_field m_core_SecurityContext_f[] = {
	{ 1, PB_MSG, PB_PTR|PB_OMIT, "capabilities", &m_core_Capabilities },
	{ 2, PB_BOOL, PB_PTR|PB_OMIT, "privileged", NULL },
	{ 3, PB_MSG, PB_PTR|PB_OMIT, "seLinuxOptions", &m_core_SELinuxOptions },
	{ 10, PB_MSG, PB_PTR|PB_OMIT, "windowsOptions", &m_core_WindowsSecurityContextOptions },
	{ 4, PB_INT, PB_PTR|PB_OMIT, "runAsUser", NULL },
	{ 8, PB_INT, PB_PTR|PB_OMIT, "runAsGroup", NULL },
	{ 5, PB_BOOL, PB_PTR|PB_OMIT, "runAsNonRoot", NULL },
	{ 6, PB_BOOL, PB_PTR|PB_OMIT, "readOnlyRootFilesystem", NULL },
	{ 7, PB_BOOL, PB_PTR|PB_OMIT, "allowPrivilegeEscalation", NULL },
	{ 9, PB_STR, PB_PTR|PB_OMIT, "procMount", NULL },
	{ 11, PB_MSG, PB_PTR|PB_OMIT, "seccompProfile", &m_core_SeccompProfile },
	{ 12, PB_MSG, PB_PTR|PB_OMIT, "appArmorProfile", &m_core_AppArmorProfile },
};
static const struct pb_msg m_core_SecurityContext = { "SecurityContext", CF_ARRAY_SIZE(m_core_SecurityContext_f), m_core_SecurityContext_f };
static const struct pb_msg m_core_EphemeralContainerCommon = { "EphemeralContainerCommon", CF_ARRAY_SIZE(m_core_Container_f), m_core_Container_f };
static const struct pb_field m_core_SELinuxOptions_f[] = {
	{ 1, PB_STR, PB_OMIT, "user", NULL },
	{ 2, PB_STR, PB_OMIT, "role", NULL },
	{ 3, PB_STR, PB_OMIT, "type", NULL },
	{ 4, PB_STR, PB_OMIT, "level", NULL },
};
static const struct pb_msg m_core_SELinuxOptions = { "SELinuxOptions", CF_ARRAY_SIZE(m_core_SELinuxOptions_f), m_core_SELinuxOptions_f };
static const struct pb_field m_core_WindowsSecurityContextOptions_f[] = {
	{ 1, PB_STR, PB_PTR|PB_OMIT, "gmsaCredentialSpecName", NULL },
	{ 2, PB_STR, PB_PTR|PB_OMIT, "gmsaCredentialSpec", NULL },
	{ 3, PB_STR, PB_PTR|PB_OMIT, "runAsUserName", NULL },
	{ 4, PB_BOOL, PB_PTR|PB_OMIT, "hostProcess", NULL },
};
static const struct pb_msg m_core_WindowsSecurityContextOptions = { "WindowsSecurityContextOptions", CF_ARRAY_SIZE(m_core_WindowsSecurityContextOptions_f), m_core_WindowsSecurityContextOptions_f };
static const struct pb_field m_core_Sysctl_f[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_STR, 0, "value", NULL },
};
static const struct pb_msg m_core_Sysctl = { "Sysctl", CF_ARRAY_SIZE(m_core_Sysctl_f), m_core_Sysctl_f };
static const struct pb_field m_core_SeccompProfile_f[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_STR, PB_PTR|PB_OMIT, "localhostProfile", NULL },
};
static const struct pb_msg m_core_SeccompProfile = { "SeccompProfile", CF_ARRAY_SIZE(m_core_SeccompProfile_f), m_core_SeccompProfile_f };
static const struct pb_field m_core_AppArmorProfile_f[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_STR, PB_PTR|PB_OMIT, "localhostProfile", NULL },
};
static const struct pb_msg m_core_AppArmorProfile = { "AppArmorProfile", CF_ARRAY_SIZE(m_core_AppArmorProfile_f), m_core_AppArmorProfile_f };
static const struct pb_field m_core_NodeAffinity_f[] = {
	{ 1, PB_MSG, PB_PTR|PB_OMIT, "requiredDuringSchedulingIgnoredDuringExecution", &m_core_NodeSelector },
	{ 2, PB_MSG, PB_REP|PB_OMIT, "preferredDuringSchedulingIgnoredDuringExecution", &m_core_PreferredSchedulingTerm },
};
static const struct pb_msg m_core_NodeAffinity = { "NodeAffinity", CF_ARRAY_SIZE(m_core_NodeAffinity_f), m_core_NodeAffinity_f };
static const struct pb_field m_core_PodAffinity_f[] = {
	{ 1, PB_MSG, PB_REP|PB_OMIT, "requiredDuringSchedulingIgnoredDuringExecution", &m_core_PodAffinityTerm },
	{ 2, PB_MSG, PB_REP|PB_OMIT, "preferredDuringSchedulingIgnoredDuringExecution", &m_core_WeightedPodAffinityTerm },
};
static const struct pb_msg m_core_PodAffinity = { "PodAffinity", CF_ARRAY_SIZE(m_core_PodAffinity_f), m_core_PodAffinity_f };
static const struct pb_msg m_core_PodAntiAffinity = { "PodAntiAffinity", CF_ARRAY_SIZE(m_core_PodAffinity_f), m_core_PodAffinity_f };
static const struct pb_field m_core_PodDNSConfigOption_f[] = {
	{ 1, PB_STR, PB_OMIT, "name", NULL },
	{ 2, PB_STR, PB_PTR|PB_OMIT, "value", NULL },
};
static const struct pb_msg m_core_PodDNSConfigOption = { "PodDNSConfigOption", CF_ARRAY_SIZE(m_core_PodDNSConfigOption_f), m_core_PodDNSConfigOption_f };
static const struct pb_field m_core_ResourceClaim_f[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_STR, PB_OMIT, "request", NULL },
};
static const struct pb_msg m_core_ResourceClaim = { "ResourceClaim", CF_ARRAY_SIZE(m_core_ResourceClaim_f), m_core_ResourceClaim_f };
static const struct pb_field m_core_ContainerState_f[] = {
	{ 1, PB_MSG, PB_PTR|PB_OMIT, "waiting", &m_core_ContainerStateWaiting },
	{ 2, PB_MSG, PB_PTR|PB_OMIT, "running", &m_core_ContainerStateRunning },
	{ 3, PB_MSG, PB_PTR|PB_OMIT, "terminated", &m_core_ContainerStateTerminated },
};
static const struct pb_msg m_core_ContainerState = { "ContainerState", CF_ARRAY_SIZE(m_core_ContainerState_f), m_core_ContainerState_f };
static const struct pb_field m_core_VolumeMountStatus_f[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_STR, 0, "mountPath", NULL },
	{ 3, PB_BOOL, PB_OMIT, "readOnly", NULL },
	{ 4, PB_STR, PB_PTR|PB_OMIT, "recursiveReadOnly", NULL },
};
static const struct pb_msg m_core_VolumeMountStatus = { "VolumeMountStatus", CF_ARRAY_SIZE(m_core_VolumeMountStatus_f), m_core_VolumeMountStatus_f };
static const struct pb_field m_core_ContainerUser_f[] = {
	{ 1, PB_MSG, PB_PTR|PB_OMIT, "linux", &m_core_LinuxContainerUser },
};
static const struct pb_msg m_core_ContainerUser = { "ContainerUser", CF_ARRAY_SIZE(m_core_ContainerUser_f), m_core_ContainerUser_f };
static const struct pb_field m_core_ResourceStatus_f[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_MSG, PB_REP|PB_OMIT, "resources", &m_core_ResourceHealth },
};
static const struct pb_msg m_core_ResourceStatus = { "ResourceStatus", CF_ARRAY_SIZE(m_core_ResourceStatus_f), m_core_ResourceStatus_f };
static const struct pb_field m_core_ScopedResourceSelectorRequirement_f[] = {
	{ 1, PB_STR, 0, "scopeName", NULL },
	{ 2, PB_STR, 0, "operator", NULL },
	{ 3, PB_STR, PB_REP|PB_OMIT, "values", NULL },
};
static const struct pb_msg m_core_ScopedResourceSelectorRequirement = { "ScopedResourceSelectorRequirement", CF_ARRAY_SIZE(m_core_ScopedResourceSelectorRequirement_f), m_core_ScopedResourceSelectorRequirement_f };
static const struct pb_field m_meta_LabelSelectorRequirement_f[] = {
	{ 1, PB_STR, 0, "key", NULL },
	{ 2, PB_STR, 0, "operator", NULL },
	{ 3, PB_STR, PB_REP|PB_OMIT, "values", NULL },
};
static const struct pb_msg m_meta_LabelSelectorRequirement = { "LabelSelectorRequirement", CF_ARRAY_SIZE(m_meta_LabelSelectorRequirement_f), m_meta_LabelSelectorRequirement_f };
static const struct pb_field m_apps_RollingUpdateDeployment_f[] = {
	{ 1, PB_IOS, PB_PTR|PB_OMIT, "maxUnavailable", NULL },
	{ 2, PB_IOS, PB_PTR|PB_OMIT, "maxSurge", NULL },
};
static const struct pb_msg m_apps_RollingUpdateDeployment = { "RollingUpdateDeployment", CF_ARRAY_SIZE(m_apps_RollingUpdateDeployment_f), m_apps_RollingUpdateDeployment_f };
static const struct pb_field m_batch_PodFailurePolicyRule_f[] = {
	{ 1, PB_STR, 0, "action", NULL },
	{ 2, PB_MSG, PB_PTR|PB_OMIT, "onExitCodes", &m_batch_PodFailurePolicyOnExitCodesRequirement },
	{ 3, PB_MSG, PB_REP|PB_OMIT, "onPodConditions", &m_batch_PodFailurePolicyOnPodConditionsPattern },
};
static const struct pb_msg m_batch_PodFailurePolicyRule = { "PodFailurePolicyRule", CF_ARRAY_SIZE(m_batch_PodFailurePolicyRule_f), m_batch_PodFailurePolicyRule_f };
static const struct pb_field m_batch_SuccessPolicyRule_f[] = {
	{ 1, PB_STR, PB_PTR|PB_OMIT, "succeededIndexes", NULL },
	{ 2, PB_INT, PB_PTR|PB_OMIT, "succeededCount", NULL },
};
static const struct pb_msg m_batch_SuccessPolicyRule = { "SuccessPolicyRule", CF_ARRAY_SIZE(m_batch_SuccessPolicyRule_f), m_batch_SuccessPolicyRule_f };
static const struct pb_field m_net_IngressServiceBackend_f[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_MSG, PB_OMIT, "port", &m_net_ServiceBackendPort },
};
static const struct pb_msg m_net_IngressServiceBackend = { "IngressServiceBackend", CF_ARRAY_SIZE(m_net_IngressServiceBackend_f), m_net_IngressServiceBackend_f };
static const struct pb_field m_core_TypedLocalObjectReference_f[] = {
	{ 1, PB_STR, PB_PTR, "apiGroup", NULL },
	{ 2, PB_STR, 0, "kind", NULL },
	{ 3, PB_STR, 0, "name", NULL },
};
static const struct pb_msg m_core_TypedLocalObjectReference = { "TypedLocalObjectReference", CF_ARRAY_SIZE(m_core_TypedLocalObjectReference_f), m_core_TypedLocalObjectReference_f };
static const struct pb_field m_net_IngressRuleValue_f[] = {
	{ 1, PB_MSG, PB_PTR|PB_OMIT, "http", &m_net_HTTPIngressRuleValue },
};
static const struct pb_msg m_net_IngressRuleValue = { "IngressRuleValue", CF_ARRAY_SIZE(m_net_IngressRuleValue_f), m_net_IngressRuleValue_f };
static const struct pb_field m_net_IngressLoadBalancerIngress_f[] = {
	{ 1, PB_STR, PB_OMIT, "ip", NULL },
	{ 2, PB_STR, PB_OMIT, "hostname", NULL },
	{ 4, PB_MSG, PB_REP|PB_OMIT, "ports", &m_net_IngressPortStatus },
};
static const struct pb_msg m_net_IngressLoadBalancerIngress = { "IngressLoadBalancerIngress", CF_ARRAY_SIZE(m_net_IngressLoadBalancerIngress_f), m_net_IngressLoadBalancerIngress_f };
static const struct pb_field m_meta_FieldSelectorRequirement_f[] = {
	{ 1, PB_STR, 0, "key", NULL },
	{ 2, PB_STR, 0, "operator", NULL },
	{ 3, PB_STR, PB_REP|PB_OMIT, "values", NULL },
};
static const struct pb_msg m_meta_FieldSelectorRequirement = { "FieldSelectorRequirement", CF_ARRAY_SIZE(m_meta_FieldSelectorRequirement_f), m_meta_FieldSelectorRequirement_f };
static const struct pb_field m_core_PortStatus_f[] = {
	{ 1, PB_INT, 0, "port", NULL },
	{ 2, PB_STR, 0, "protocol", NULL },
	{ 3, PB_STR, PB_PTR|PB_OMIT, "error", NULL },
};
static const struct pb_msg m_core_PortStatus = { "PortStatus", CF_ARRAY_SIZE(m_core_PortStatus_f), m_core_PortStatus_f };
static const struct pb_field m_core_HostPathVolumeSource_f[] = {
	{ 1, PB_STR, 0, "path", NULL },
	{ 2, PB_STR, PB_PTR|PB_OMIT, "type", NULL },
};
static const struct pb_msg m_core_HostPathVolumeSource = { "HostPathVolumeSource", CF_ARRAY_SIZE(m_core_HostPathVolumeSource_f), m_core_HostPathVolumeSource_f };
static const struct pb_field m_core_EmptyDirVolumeSource_f[] = {
	{ 1, PB_STR, PB_OMIT, "medium", NULL },
	{ 2, PB_QTY, PB_PTR|PB_OMIT, "sizeLimit", NULL },
};
static const struct pb_msg m_core_EmptyDirVolumeSource = { "EmptyDirVolumeSource", CF_ARRAY_SIZE(m_core_EmptyDirVolumeSource_f), m_core_EmptyDirVolumeSource_f };
static const struct pb_field m_core_GCEPersistentDiskVolumeSource_f[] = {
	{ 1, PB_STR, 0, "pdName", NULL },
	{ 2, PB_STR, PB_OMIT, "fsType", NULL },
	{ 3, PB_INT, PB_OMIT, "partition", NULL },
	{ 4, PB_BOOL, PB_OMIT, "readOnly", NULL },
};
static const struct pb_msg m_core_GCEPersistentDiskVolumeSource = { "GCEPersistentDiskVolumeSource", CF_ARRAY_SIZE(m_core_GCEPersistentDiskVolumeSource_f), m_core_GCEPersistentDiskVolumeSource_f };
static const struct pb_field m_core_AWSElasticBlockStoreVolumeSource_f[] = {
	{ 1, PB_STR, 0, "volumeID", NULL },
	{ 2, PB_STR, PB_OMIT, "fsType", NULL },
	{ 3, PB_INT, PB_OMIT, "partition", NULL },
	{ 4, PB_BOOL, PB_OMIT, "readOnly", NULL },
};
static const struct pb_msg m_core_AWSElasticBlockStoreVolumeSource = { "AWSElasticBlockStoreVolumeSource", CF_ARRAY_SIZE(m_core_AWSElasticBlockStoreVolumeSource_f), m_core_AWSElasticBlockStoreVolumeSource_f };
static const struct pb_field m_core_GitRepoVolumeSource_f[] = {
	{ 1, PB_STR, 0, "repository", NULL },
	{ 2, PB_STR, PB_OMIT, "revision", NULL },
	{ 3, PB_STR, PB_OMIT, "directory", NULL },
};
static const struct pb_msg m_core_GitRepoVolumeSource = { "GitRepoVolumeSource", CF_ARRAY_SIZE(m_core_GitRepoVolumeSource_f), m_core_GitRepoVolumeSource_f };
static const struct pb_field m_core_SecretVolumeSource_f[] = {
	{ 1, PB_STR, PB_OMIT, "secretName", NULL },
	{ 2, PB_MSG, PB_REP|PB_OMIT, "items", &m_core_KeyToPath },
	{ 3, PB_INT, PB_PTR|PB_OMIT, "defaultMode", NULL },
	{ 4, PB_BOOL, PB_PTR|PB_OMIT, "optional", NULL },
};
static const struct pb_msg m_core_SecretVolumeSource = { "SecretVolumeSource", CF_ARRAY_SIZE(m_core_SecretVolumeSource_f), m_core_SecretVolumeSource_f };
static const struct pb_field m_core_NFSVolumeSource_f[] = {
	{ 1, PB_STR, 0, "server", NULL },
	{ 2, PB_STR, 0, "path", NULL },
	{ 3, PB_BOOL, PB_OMIT, "readOnly", NULL },
};
static const struct pb_msg m_core_NFSVolumeSource = { "NFSVolumeSource", CF_ARRAY_SIZE(m_core_NFSVolumeSource_f), m_core_NFSVolumeSource_f };
static const struct pb_field m_core_ISCSIVolumeSource_f[] = {
	{ 1, PB_STR, 0, "targetPortal", NULL },
	{ 2, PB_STR, 0, "iqn", NULL },
	{ 3, PB_INT, 0, "lun", NULL },
	{ 4, PB_STR, PB_OMIT, "iscsiInterface", NULL },
	{ 5, PB_STR, PB_OMIT, "fsType", NULL },
	{ 6, PB_BOOL, PB_OMIT, "readOnly", NULL },
	{ 7, PB_STR, PB_REP|PB_OMIT, "portals", NULL },
	{ 8, PB_BOOL, PB_OMIT, "chapAuthDiscovery", NULL },
	{ 11, PB_BOOL, PB_OMIT, "chapAuthSession", NULL },
	{ 10, PB_MSG, PB_PTR|PB_OMIT, "secretRef", &m_core_LocalObjectReference },
	{ 12, PB_STR, PB_PTR|PB_OMIT, "initiatorName", NULL },
};
static const struct pb_msg m_core_ISCSIVolumeSource = { "ISCSIVolumeSource", CF_ARRAY_SIZE(m_core_ISCSIVolumeSource_f), m_core_ISCSIVolumeSource_f };
static const struct pb_field m_core_GlusterfsVolumeSource_f[] = {
	{ 1, PB_STR, 0, "endpoints", NULL },
	{ 2, PB_STR, 0, "path", NULL },
	{ 3, PB_BOOL, PB_OMIT, "readOnly", NULL },
};
static const struct pb_msg m_core_GlusterfsVolumeSource = { "GlusterfsVolumeSource", CF_ARRAY_SIZE(m_core_GlusterfsVolumeSource_f), m_core_GlusterfsVolumeSource_f };
static const struct pb_field m_core_PersistentVolumeClaimVolumeSource_f[] = {
	{ 1, PB_STR, 0, "claimName", NULL },
	{ 2, PB_BOOL, PB_OMIT, "readOnly", NULL },
};
static const struct pb_msg m_core_PersistentVolumeClaimVolumeSource = { "PersistentVolumeClaimVolumeSource", CF_ARRAY_SIZE(m_core_PersistentVolumeClaimVolumeSource_f), m_core_PersistentVolumeClaimVolumeSource_f };
static const struct pb_field m_core_RBDVolumeSource_f[] = {
	{ 1, PB_STR, PB_REP, "monitors", NULL },
	{ 2, PB_STR, 0, "image", NULL },
	{ 3, PB_STR, PB_OMIT, "fsType", NULL },
	{ 4, PB_STR, PB_OMIT, "pool", NULL },
	{ 5, PB_STR, PB_OMIT, "user", NULL },
	{ 6, PB_STR, PB_OMIT, "keyring", NULL },
	{ 7, PB_MSG, PB_PTR|PB_OMIT, "secretRef", &m_core_LocalObjectReference },
	{ 8, PB_BOOL, PB_OMIT, "readOnly", NULL },
};
static const struct pb_msg m_core_RBDVolumeSource = { "RBDVolumeSource", CF_ARRAY_SIZE(m_core_RBDVolumeSource_f), m_core_RBDVolumeSource_f };
static const struct pb_field m_core_FlexVolumeSource_f[] = {
	{ 1, PB_STR, 0, "driver", NULL },
	{ 2, PB_STR, PB_OMIT, "fsType", NULL },
	{ 3, PB_MSG, PB_PTR|PB_OMIT, "secretRef", &m_core_LocalObjectReference },
	{ 4, PB_BOOL, PB_OMIT, "readOnly", NULL },
	{ 5, PB_MAPSTR, PB_OMIT, "options", NULL },
};
static const struct pb_msg m_core_FlexVolumeSource = { "FlexVolumeSource", CF_ARRAY_SIZE(m_core_FlexVolumeSource_f), m_core_FlexVolumeSource_f };
static const struct pb_field m_core_CinderVolumeSource_f[] = {
	{ 1, PB_STR, 0, "volumeID", NULL },
	{ 2, PB_STR, PB_OMIT, "fsType", NULL },
	{ 3, PB_BOOL, PB_OMIT, "readOnly", NULL },
	{ 4, PB_MSG, PB_PTR|PB_OMIT, "secretRef", &m_core_LocalObjectReference },
};
static const struct pb_msg m_core_CinderVolumeSource = { "CinderVolumeSource", CF_ARRAY_SIZE(m_core_CinderVolumeSource_f), m_core_CinderVolumeSource_f };
static const struct pb_field m_core_CephFSVolumeSource_f[] = {
	{ 1, PB_STR, PB_REP, "monitors", NULL },
	{ 2, PB_STR, PB_OMIT, "path", NULL },
	{ 3, PB_STR, PB_OMIT, "user", NULL },
	{ 4, PB_STR, PB_OMIT, "secretFile", NULL },
	{ 5, PB_MSG, PB_PTR|PB_OMIT, "secretRef", &m_core_LocalObjectReference },
	{ 6, PB_BOOL, PB_OMIT, "readOnly", NULL },
};
static const struct pb_msg m_core_CephFSVolumeSource = { "CephFSVolumeSource", CF_ARRAY_SIZE(m_core_CephFSVolumeSource_f), m_core_CephFSVolumeSource_f };
static const struct pb_field m_core_FlockerVolumeSource_f[] = {
	{ 1, PB_STR, PB_OMIT, "datasetName", NULL },
	{ 2, PB_STR, PB_OMIT, "datasetUUID", NULL },
};
static const struct pb_msg m_core_FlockerVolumeSource = { "FlockerVolumeSource", CF_ARRAY_SIZE(m_core_FlockerVolumeSource_f), m_core_FlockerVolumeSource_f };
static const struct pb_field m_core_DownwardAPIVolumeSource_f[] = {
	{ 1, PB_MSG, PB_REP|PB_OMIT, "items", &m_core_DownwardAPIVolumeFile },
	{ 2, PB_INT, PB_PTR|PB_OMIT, "defaultMode", NULL },
};
static const struct pb_msg m_core_DownwardAPIVolumeSource = { "DownwardAPIVolumeSource", CF_ARRAY_SIZE(m_core_DownwardAPIVolumeSource_f), m_core_DownwardAPIVolumeSource_f };
static const struct pb_field m_core_FCVolumeSource_f[] = {
	{ 1, PB_STR, PB_REP|PB_OMIT, "targetWWNs", NULL },
	{ 2, PB_INT, PB_PTR|PB_OMIT, "lun", NULL },
	{ 3, PB_STR, PB_OMIT, "fsType", NULL },
	{ 4, PB_BOOL, PB_OMIT, "readOnly", NULL },
	{ 5, PB_STR, PB_REP|PB_OMIT, "wwids", NULL },
};
static const struct pb_msg m_core_FCVolumeSource = { "FCVolumeSource", CF_ARRAY_SIZE(m_core_FCVolumeSource_f), m_core_FCVolumeSource_f };
static const struct pb_field m_core_AzureFileVolumeSource_f[] = {
	{ 1, PB_STR, 0, "secretName", NULL },
	{ 2, PB_STR, 0, "shareName", NULL },
	{ 3, PB_BOOL, PB_OMIT, "readOnly", NULL },
};
static const struct pb_msg m_core_AzureFileVolumeSource = { "AzureFileVolumeSource", CF_ARRAY_SIZE(m_core_AzureFileVolumeSource_f), m_core_AzureFileVolumeSource_f };
static const struct pb_field m_core_ConfigMapVolumeSource_f[] = {
	{ 1, PB_MSG, PB_INLINE, NULL, &m_core_LocalObjectReference },
	{ 2, PB_MSG, PB_REP|PB_OMIT, "items", &m_core_KeyToPath },
	{ 3, PB_INT, PB_PTR|PB_OMIT, "defaultMode", NULL },
	{ 4, PB_BOOL, PB_PTR|PB_OMIT, "optional", NULL },
};
static const struct pb_msg m_core_ConfigMapVolumeSource = { "ConfigMapVolumeSource", CF_ARRAY_SIZE(m_core_ConfigMapVolumeSource_f), m_core_ConfigMapVolumeSource_f };
static const struct pb_field m_core_VsphereVirtualDiskVolumeSource_f[] = {
	{ 1, PB_STR, 0, "volumePath", NULL },
	{ 2, PB_STR, PB_OMIT, "fsType", NULL },
	{ 3, PB_STR, PB_OMIT, "storagePolicyName", NULL },
	{ 4, PB_STR, PB_OMIT, "storagePolicyID", NULL },
};
static const struct pb_msg m_core_VsphereVirtualDiskVolumeSource = { "VsphereVirtualDiskVolumeSource", CF_ARRAY_SIZE(m_core_VsphereVirtualDiskVolumeSource_f), m_core_VsphereVirtualDiskVolumeSource_f };
static const struct pb_field m_core_QuobyteVolumeSource_f[] = {
	{ 1, PB_STR, 0, "registry", NULL },
	{ 2, PB_STR, 0, "volume", NULL },
	{ 3, PB_BOOL, PB_OMIT, "readOnly", NULL },
	{ 4, PB_STR, PB_OMIT, "user", NULL },
	{ 5, PB_STR, PB_OMIT, "group", NULL },
	{ 6, PB_STR, PB_OMIT, "tenant", NULL },
};
static const struct pb_msg m_core_QuobyteVolumeSource = { "QuobyteVolumeSource", CF_ARRAY_SIZE(m_core_QuobyteVolumeSource_f), m_core_QuobyteVolumeSource_f };
static const struct pb_field m_core_AzureDiskVolumeSource_f[] = {
	{ 1, PB_STR, 0, "diskName", NULL },
	{ 2, PB_STR, 0, "diskURI", NULL },
	{ 3, PB_STR, PB_PTR|PB_OMIT, "cachingMode", NULL },
	{ 4, PB_STR, PB_PTR|PB_OMIT, "fsType", NULL },
	{ 5, PB_BOOL, PB_PTR|PB_OMIT, "readOnly", NULL },
	{ 6, PB_STR, PB_PTR|PB_OMIT, "kind", NULL },
};
static const struct pb_msg m_core_AzureDiskVolumeSource = { "AzureDiskVolumeSource", CF_ARRAY_SIZE(m_core_AzureDiskVolumeSource_f), m_core_AzureDiskVolumeSource_f };
static const struct pb_field m_core_PhotonPersistentDiskVolumeSource_f[] = {
	{ 1, PB_STR, 0, "pdID", NULL },
	{ 2, PB_STR, PB_OMIT, "fsType", NULL },
};
static const struct pb_msg m_core_PhotonPersistentDiskVolumeSource = { "PhotonPersistentDiskVolumeSource", CF_ARRAY_SIZE(m_core_PhotonPersistentDiskVolumeSource_f), m_core_PhotonPersistentDiskVolumeSource_f };
static const struct pb_field m_core_ProjectedVolumeSource_f[] = {
	{ 1, PB_MSG, PB_REP, "sources", &m_core_VolumeProjection },
	{ 2, PB_INT, PB_PTR|PB_OMIT, "defaultMode", NULL },
};
static const struct pb_msg m_core_ProjectedVolumeSource = { "ProjectedVolumeSource", CF_ARRAY_SIZE(m_core_ProjectedVolumeSource_f), m_core_ProjectedVolumeSource_f };
static const struct pb_field m_core_PortworxVolumeSource_f[] = {
	{ 1, PB_STR, 0, "volumeID", NULL },
	{ 2, PB_STR, PB_OMIT, "fsType", NULL },
	{ 3, PB_BOOL, PB_OMIT, "readOnly", NULL },
};
static const struct pb_msg m_core_PortworxVolumeSource = { "PortworxVolumeSource", CF_ARRAY_SIZE(m_core_PortworxVolumeSource_f), m_core_PortworxVolumeSource_f };
static const struct pb_field m_core_ScaleIOVolumeSource_f[] = {
	{ 1, PB_STR, 0, "gateway", NULL },
	{ 2, PB_STR, 0, "system", NULL },
	{ 3, PB_MSG, PB_PTR, "secretRef", &m_core_LocalObjectReference },
	{ 4, PB_BOOL, PB_OMIT, "sslEnabled", NULL },
	{ 5, PB_STR, PB_OMIT, "protectionDomain", NULL },
	{ 6, PB_STR, PB_OMIT, "storagePool", NULL },
	{ 7, PB_STR, PB_OMIT, "storageMode", NULL },
	{ 8, PB_STR, PB_OMIT, "volumeName", NULL },
	{ 9, PB_STR, PB_OMIT, "fsType", NULL },
	{ 10, PB_BOOL, PB_OMIT, "readOnly", NULL },
};
static const struct pb_msg m_core_ScaleIOVolumeSource = { "ScaleIOVolumeSource", CF_ARRAY_SIZE(m_core_ScaleIOVolumeSource_f), m_core_ScaleIOVolumeSource_f };
static const struct pb_field m_core_StorageOSVolumeSource_f[] = {
	{ 1, PB_STR, PB_OMIT, "volumeName", NULL },
	{ 2, PB_STR, PB_OMIT, "volumeNamespace", NULL },
	{ 3, PB_STR, PB_OMIT, "fsType", NULL },
	{ 4, PB_BOOL, PB_OMIT, "readOnly", NULL },
	{ 5, PB_MSG, PB_PTR|PB_OMIT, "secretRef", &m_core_LocalObjectReference },
};
static const struct pb_msg m_core_StorageOSVolumeSource = { "StorageOSVolumeSource", CF_ARRAY_SIZE(m_core_StorageOSVolumeSource_f), m_core_StorageOSVolumeSource_f };
static const struct pb_field m_core_CSIVolumeSource_f[] = {
	{ 1, PB_STR, 0, "driver", NULL },
	{ 2, PB_BOOL, PB_PTR|PB_OMIT, "readOnly", NULL },
	{ 3, PB_STR, PB_PTR|PB_OMIT, "fsType", NULL },
	{ 4, PB_MAPSTR, PB_OMIT, "volumeAttributes", NULL },
	{ 5, PB_MSG, PB_PTR|PB_OMIT, "nodePublishSecretRef", &m_core_LocalObjectReference },
};
static const struct pb_msg m_core_CSIVolumeSource = { "CSIVolumeSource", CF_ARRAY_SIZE(m_core_CSIVolumeSource_f), m_core_CSIVolumeSource_f };
static const struct pb_field m_core_EphemeralVolumeSource_f[] = {
	{ 1, PB_MSG, PB_PTR|PB_OMIT, "volumeClaimTemplate", &m_core_PersistentVolumeClaimTemplate },
};
static const struct pb_msg m_core_EphemeralVolumeSource = { "EphemeralVolumeSource", CF_ARRAY_SIZE(m_core_EphemeralVolumeSource_f), m_core_EphemeralVolumeSource_f };
static const struct pb_field m_core_ImageVolumeSource_f[] = {
	{ 1, PB_STR, PB_OMIT, "reference", NULL },
	{ 2, PB_STR, PB_OMIT, "pullPolicy", NULL },
};
static const struct pb_msg m_core_ImageVolumeSource = { "ImageVolumeSource", CF_ARRAY_SIZE(m_core_ImageVolumeSource_f), m_core_ImageVolumeSource_f };
static const struct pb_field m_core_ConfigMapEnvSource_f[] = {
	{ 1, PB_MSG, PB_INLINE, NULL, &m_core_LocalObjectReference },
	{ 2, PB_BOOL, PB_PTR|PB_OMIT, "optional", NULL },
};
static const struct pb_msg m_core_ConfigMapEnvSource = { "ConfigMapEnvSource", CF_ARRAY_SIZE(m_core_ConfigMapEnvSource_f), m_core_ConfigMapEnvSource_f };
static const struct pb_msg m_core_SecretEnvSource = { "SecretEnvSource", CF_ARRAY_SIZE(m_core_ConfigMapEnvSource_f), m_core_ConfigMapEnvSource_f };
static const struct pb_field m_core_EnvVarSource_f[] = {
	{ 1, PB_MSG, PB_PTR|PB_OMIT, "fieldRef", &m_core_ObjectFieldSelector },
	{ 2, PB_MSG, PB_PTR|PB_OMIT, "resourceFieldRef", &m_core_ResourceFieldSelector },
	{ 3, PB_MSG, PB_PTR|PB_OMIT, "configMapKeyRef", &m_core_ConfigMapKeySelector },
	{ 4, PB_MSG, PB_PTR|PB_OMIT, "secretKeyRef", &m_core_SecretKeySelector },
};
static const struct pb_msg m_core_EnvVarSource = { "EnvVarSource", CF_ARRAY_SIZE(m_core_EnvVarSource_f), m_core_EnvVarSource_f };
static const struct pb_field m_core_ProbeHandler_f[] = {
	{ 1, PB_MSG, PB_PTR|PB_OMIT, "exec", &m_core_ExecAction },
	{ 2, PB_MSG, PB_PTR|PB_OMIT, "httpGet", &m_core_HTTPGetAction },
	{ 3, PB_MSG, PB_PTR|PB_OMIT, "tcpSocket", &m_core_TCPSocketAction },
	{ 4, PB_MSG, PB_PTR|PB_OMIT, "grpc", &m_core_GRPCAction },
};
static const struct pb_msg m_core_ProbeHandler = { "ProbeHandler", CF_ARRAY_SIZE(m_core_ProbeHandler_f), m_core_ProbeHandler_f };
static const struct pb_field m_core_LifecycleHandler_f[] = {
	{ 1, PB_MSG, PB_PTR|PB_OMIT, "exec", &m_core_ExecAction },
	{ 2, PB_MSG, PB_PTR|PB_OMIT, "httpGet", &m_core_HTTPGetAction },
	{ 3, PB_MSG, PB_PTR|PB_OMIT, "tcpSocket", &m_core_TCPSocketAction },
	{ 4, PB_MSG, PB_PTR|PB_OMIT, "sleep", &m_core_SleepAction },
};
static const struct pb_msg m_core_LifecycleHandler = { "LifecycleHandler", CF_ARRAY_SIZE(m_core_LifecycleHandler_f), m_core_LifecycleHandler_f };
static const struct pb_field m_core_Capabilities_f[] = {
	{ 1, PB_STR, PB_REP|PB_OMIT, "add", NULL },
	{ 2, PB_STR, PB_REP|PB_OMIT, "drop", NULL },
};
static const struct pb_msg m_core_Capabilities = { "Capabilities", CF_ARRAY_SIZE(m_core_Capabilities_f), m_core_Capabilities_f };
static const struct pb_field m_core_NodeSelector_f[] = {
	{ 1, PB_MSG, PB_REP, "nodeSelectorTerms", &m_core_NodeSelectorTerm },
};
static const struct pb_msg m_core_NodeSelector = { "NodeSelector", CF_ARRAY_SIZE(m_core_NodeSelector_f), m_core_NodeSelector_f };
static const struct pb_field m_core_PreferredSchedulingTerm_f[] = {
	{ 1, PB_INT, 0, "weight", NULL },
	{ 2, PB_MSG, 0, "preference", &m_core_NodeSelectorTerm },
};
static const struct pb_msg m_core_PreferredSchedulingTerm = { "PreferredSchedulingTerm", CF_ARRAY_SIZE(m_core_PreferredSchedulingTerm_f), m_core_PreferredSchedulingTerm_f };
static const struct pb_field m_core_PodAffinityTerm_f[] = {
	{ 1, PB_MSG, PB_PTR|PB_OMIT, "labelSelector", &m_meta_LabelSelector },
	{ 2, PB_STR, PB_REP|PB_OMIT, "namespaces", NULL },
	{ 3, PB_STR, 0, "topologyKey", NULL },
	{ 4, PB_MSG, PB_PTR|PB_OMIT, "namespaceSelector", &m_meta_LabelSelector },
	{ 5, PB_STR, PB_REP|PB_OMIT, "matchLabelKeys", NULL },
	{ 6, PB_STR, PB_REP|PB_OMIT, "mismatchLabelKeys", NULL },
};
static const struct pb_msg m_core_PodAffinityTerm = { "PodAffinityTerm", CF_ARRAY_SIZE(m_core_PodAffinityTerm_f), m_core_PodAffinityTerm_f };
static const struct pb_field m_core_WeightedPodAffinityTerm_f[] = {
	{ 1, PB_INT, 0, "weight", NULL },
	{ 2, PB_MSG, 0, "podAffinityTerm", &m_core_PodAffinityTerm },
};
static const struct pb_msg m_core_WeightedPodAffinityTerm = { "WeightedPodAffinityTerm", CF_ARRAY_SIZE(m_core_WeightedPodAffinityTerm_f), m_core_WeightedPodAffinityTerm_f };
static const struct pb_field m_core_ContainerStateWaiting_f[] = {
	{ 1, PB_STR, PB_OMIT, "reason", NULL },
	{ 2, PB_STR, PB_OMIT, "message", NULL },
};
static const struct pb_msg m_core_ContainerStateWaiting = { "ContainerStateWaiting", CF_ARRAY_SIZE(m_core_ContainerStateWaiting_f), m_core_ContainerStateWaiting_f };
static const struct pb_field m_core_ContainerStateRunning_f[] = {
	{ 1, PB_TIME, PB_OMIT, "startedAt", NULL },
};
static const struct pb_msg m_core_ContainerStateRunning = { "ContainerStateRunning", CF_ARRAY_SIZE(m_core_ContainerStateRunning_f), m_core_ContainerStateRunning_f };
static const struct pb_field m_core_ContainerStateTerminated_f[] = {
	{ 1, PB_INT, 0, "exitCode", NULL },
	{ 2, PB_INT, PB_OMIT, "signal", NULL },
	{ 3, PB_STR, PB_OMIT, "reason", NULL },
	{ 4, PB_STR, PB_OMIT, "message", NULL },
	{ 5, PB_TIME, PB_OMIT, "startedAt", NULL },
	{ 6, PB_TIME, PB_OMIT, "finishedAt", NULL },
	{ 7, PB_STR, PB_OMIT, "containerID", NULL },
};
static const struct pb_msg m_core_ContainerStateTerminated = { "ContainerStateTerminated", CF_ARRAY_SIZE(m_core_ContainerStateTerminated_f), m_core_ContainerStateTerminated_f };
static const struct pb_field m_core_LinuxContainerUser_f[] = {
	{ 3, PB_INT, PB_REP|PB_OMIT, "supplementalGroups", NULL },
};
static const struct pb_msg m_core_LinuxContainerUser = { "LinuxContainerUser", CF_ARRAY_SIZE(m_core_LinuxContainerUser_f), m_core_LinuxContainerUser_f };
static const struct pb_field m_core_ResourceHealth_f[] = {
	{ 1, PB_STR, 0, "resourceID", NULL },
};
static const struct pb_msg m_core_ResourceHealth = { "ResourceHealth", CF_ARRAY_SIZE(m_core_ResourceHealth_f), m_core_ResourceHealth_f };
static const struct pb_field m_batch_PodFailurePolicyOnExitCodesRequirement_f[] = {
	{ 1, PB_STR, PB_PTR|PB_OMIT, "containerName", NULL },
	{ 2, PB_STR, 0, "operator", NULL },
	{ 3, PB_INT, PB_REP, "values", NULL },
};
static const struct pb_msg m_batch_PodFailurePolicyOnExitCodesRequirement = { "PodFailurePolicyOnExitCodesRequirement", CF_ARRAY_SIZE(m_batch_PodFailurePolicyOnExitCodesRequirement_f), m_batch_PodFailurePolicyOnExitCodesRequirement_f };
static const struct pb_field m_batch_PodFailurePolicyOnPodConditionsPattern_f[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_STR, 0, "status", NULL },
};
static const struct pb_msg m_batch_PodFailurePolicyOnPodConditionsPattern = { "PodFailurePolicyOnPodConditionsPattern", CF_ARRAY_SIZE(m_batch_PodFailurePolicyOnPodConditionsPattern_f), m_batch_PodFailurePolicyOnPodConditionsPattern_f };
static const struct pb_field m_net_ServiceBackendPort_f[] = {
	{ 1, PB_STR, PB_OMIT, "name", NULL },
	{ 2, PB_INT, PB_OMIT, "number", NULL },
};
static const struct pb_msg m_net_ServiceBackendPort = { "ServiceBackendPort", CF_ARRAY_SIZE(m_net_ServiceBackendPort_f), m_net_ServiceBackendPort_f };
static const struct pb_field m_net_HTTPIngressRuleValue_f[] = {
	{ 1, PB_MSG, PB_REP, "paths", &m_net_HTTPIngressPath },
};
static const struct pb_msg m_net_HTTPIngressRuleValue = { "HTTPIngressRuleValue", CF_ARRAY_SIZE(m_net_HTTPIngressRuleValue_f), m_net_HTTPIngressRuleValue_f };
static const struct pb_field m_net_IngressPortStatus_f[] = {
	{ 1, PB_INT, 0, "port", NULL },
	{ 2, PB_STR, 0, "protocol", NULL },
	{ 3, PB_STR, PB_PTR|PB_OMIT, "error", NULL },
};
static const struct pb_msg m_net_IngressPortStatus = { "IngressPortStatus", CF_ARRAY_SIZE(m_net_IngressPortStatus_f), m_net_IngressPortStatus_f };
static const struct pb_field m_core_KeyToPath_f[] = {
	{ 1, PB_STR, 0, "key", NULL },
	{ 2, PB_STR, 0, "path", NULL },
	{ 3, PB_INT, PB_PTR|PB_OMIT, "mode", NULL },
};
static const struct pb_msg m_core_KeyToPath = { "KeyToPath", CF_ARRAY_SIZE(m_core_KeyToPath_f), m_core_KeyToPath_f };
static const struct pb_field m_core_DownwardAPIVolumeFile_f[] = {
	{ 1, PB_STR, 0, "path", NULL },
	{ 2, PB_MSG, PB_PTR|PB_OMIT, "fieldRef", &m_core_ObjectFieldSelector },
	{ 3, PB_MSG, PB_PTR|PB_OMIT, "resourceFieldRef", &m_core_ResourceFieldSelector },
	{ 4, PB_INT, PB_PTR|PB_OMIT, "mode", NULL },
};
static const struct pb_msg m_core_DownwardAPIVolumeFile = { "DownwardAPIVolumeFile", CF_ARRAY_SIZE(m_core_DownwardAPIVolumeFile_f), m_core_DownwardAPIVolumeFile_f };
static const struct pb_field m_core_VolumeProjection_f[] = {
	{ 1, PB_MSG, PB_PTR|PB_OMIT, "secret", &m_core_SecretProjection },
	{ 2, PB_MSG, PB_PTR|PB_OMIT, "downwardAPI", &m_core_DownwardAPIProjection },
	{ 3, PB_MSG, PB_PTR|PB_OMIT, "configMap", &m_core_ConfigMapProjection },
	{ 4, PB_MSG, PB_PTR|PB_OMIT, "serviceAccountToken", &m_core_ServiceAccountTokenProjection },
	{ 5, PB_MSG, PB_PTR|PB_OMIT, "clusterTrustBundle", &m_core_ClusterTrustBundleProjection },
};
static const struct pb_msg m_core_VolumeProjection = { "VolumeProjection", CF_ARRAY_SIZE(m_core_VolumeProjection_f), m_core_VolumeProjection_f };
static const struct pb_field m_core_PersistentVolumeClaimTemplate_f[] = {
	{ 1, PB_MSG, PB_OMIT, "metadata", &m_meta_ObjectMeta },
};
static const struct pb_msg m_core_PersistentVolumeClaimTemplate = { "PersistentVolumeClaimTemplate", CF_ARRAY_SIZE(m_core_PersistentVolumeClaimTemplate_f), m_core_PersistentVolumeClaimTemplate_f };
static const struct pb_field m_core_ObjectFieldSelector_f[] = {
	{ 1, PB_STR, PB_OMIT, "apiVersion", NULL },
	{ 2, PB_STR, 0, "fieldPath", NULL },
};
static const struct pb_msg m_core_ObjectFieldSelector = { "ObjectFieldSelector", CF_ARRAY_SIZE(m_core_ObjectFieldSelector_f), m_core_ObjectFieldSelector_f };
static const struct pb_field m_core_ResourceFieldSelector_f[] = {
	{ 1, PB_STR, PB_OMIT, "containerName", NULL },
	{ 2, PB_STR, 0, "resource", NULL },
	{ 3, PB_QTY, PB_OMIT, "divisor", NULL },
};
static const struct pb_msg m_core_ResourceFieldSelector = { "ResourceFieldSelector", CF_ARRAY_SIZE(m_core_ResourceFieldSelector_f), m_core_ResourceFieldSelector_f };
static const struct pb_field m_core_ConfigMapKeySelector_f[] = {
	{ 1, PB_MSG, PB_INLINE, NULL, &m_core_LocalObjectReference },
	{ 2, PB_STR, 0, "key", NULL },
	{ 3, PB_BOOL, PB_PTR|PB_OMIT, "optional", NULL },
};
static const struct pb_msg m_core_ConfigMapKeySelector = { "ConfigMapKeySelector", CF_ARRAY_SIZE(m_core_ConfigMapKeySelector_f), m_core_ConfigMapKeySelector_f };
static const struct pb_msg m_core_SecretKeySelector = { "SecretKeySelector", CF_ARRAY_SIZE(m_core_ConfigMapKeySelector_f), m_core_ConfigMapKeySelector_f };
static const struct pb_field m_core_ExecAction_f[] = {
	{ 1, PB_STR, PB_REP|PB_OMIT, "command", NULL },
};
static const struct pb_msg m_core_ExecAction = { "ExecAction", CF_ARRAY_SIZE(m_core_ExecAction_f), m_core_ExecAction_f };
static const struct pb_field m_core_HTTPGetAction_f[] = {
	{ 1, PB_STR, PB_OMIT, "path", NULL },
	{ 2, PB_IOS, 0, "port", NULL },
	{ 3, PB_STR, PB_OMIT, "host", NULL },
	{ 4, PB_STR, PB_OMIT, "scheme", NULL },
	{ 5, PB_MSG, PB_REP|PB_OMIT, "httpHeaders", &m_core_HTTPHeader },
};
static const struct pb_msg m_core_HTTPGetAction = { "HTTPGetAction", CF_ARRAY_SIZE(m_core_HTTPGetAction_f), m_core_HTTPGetAction_f };
static const struct pb_field m_core_TCPSocketAction_f[] = {
	{ 1, PB_IOS, 0, "port", NULL },
	{ 2, PB_STR, PB_OMIT, "host", NULL },
};
static const struct pb_msg m_core_TCPSocketAction = { "TCPSocketAction", CF_ARRAY_SIZE(m_core_TCPSocketAction_f), m_core_TCPSocketAction_f };
static const struct pb_field m_core_GRPCAction_f[] = {
	{ 1, PB_INT, 0, "port", NULL },
	{ 2, PB_STR, PB_PTR, "service", NULL },
};
static const struct pb_msg m_core_GRPCAction = { "GRPCAction", CF_ARRAY_SIZE(m_core_GRPCAction_f), m_core_GRPCAction_f };
static const struct pb_field m_core_SleepAction_f[] = {
	{ 1, PB_INT, 0, "seconds", NULL },
};
static const struct pb_msg m_core_SleepAction = { "SleepAction", CF_ARRAY_SIZE(m_core_SleepAction_f), m_core_SleepAction_f };
static const struct pb_field m_core_NodeSelectorTerm_f[] = {
	{ 1, PB_MSG, PB_REP|PB_OMIT, "matchExpressions", &m_core_NodeSelectorRequirement },
	{ 2, PB_MSG, PB_REP|PB_OMIT, "matchFields", &m_core_NodeSelectorRequirement },
};
static const struct pb_msg m_core_NodeSelectorTerm = { "NodeSelectorTerm", CF_ARRAY_SIZE(m_core_NodeSelectorTerm_f), m_core_NodeSelectorTerm_f };
static const struct pb_field m_net_HTTPIngressPath_f[] = {
	{ 1, PB_STR, PB_OMIT, "path", NULL },
	{ 3, PB_STR, PB_PTR, "pathType", NULL },
	{ 2, PB_MSG, 0, "backend", &m_net_IngressBackend },
};
static const struct pb_msg m_net_HTTPIngressPath = { "HTTPIngressPath", CF_ARRAY_SIZE(m_net_HTTPIngressPath_f), m_net_HTTPIngressPath_f };
static const struct pb_field m_core_SecretProjection_f[] = {
	{ 1, PB_MSG, PB_INLINE, NULL, &m_core_LocalObjectReference },
	{ 2, PB_MSG, PB_REP|PB_OMIT, "items", &m_core_KeyToPath },
	{ 4, PB_BOOL, PB_PTR|PB_OMIT, "optional", NULL },
};
static const struct pb_msg m_core_SecretProjection = { "SecretProjection", CF_ARRAY_SIZE(m_core_SecretProjection_f), m_core_SecretProjection_f };
static const struct pb_field m_core_DownwardAPIProjection_f[] = {
	{ 1, PB_MSG, PB_REP|PB_OMIT, "items", &m_core_DownwardAPIVolumeFile },
};
static const struct pb_msg m_core_DownwardAPIProjection = { "DownwardAPIProjection", CF_ARRAY_SIZE(m_core_DownwardAPIProjection_f), m_core_DownwardAPIProjection_f };
static const struct pb_msg m_core_ConfigMapProjection = { "ConfigMapProjection", CF_ARRAY_SIZE(m_core_SecretProjection_f), m_core_SecretProjection_f };
static const struct pb_field m_core_ServiceAccountTokenProjection_f[] = {
	{ 1, PB_STR, PB_OMIT, "audience", NULL },
	{ 2, PB_INT, PB_PTR|PB_OMIT, "expirationSeconds", NULL },
	{ 3, PB_STR, 0, "path", NULL },
};
static const struct pb_msg m_core_ServiceAccountTokenProjection = { "ServiceAccountTokenProjection", CF_ARRAY_SIZE(m_core_ServiceAccountTokenProjection_f), m_core_ServiceAccountTokenProjection_f };
static const struct pb_field m_core_ClusterTrustBundleProjection_f[] = {
	{ 1, PB_STR, PB_PTR|PB_OMIT, "name", NULL },
	{ 2, PB_STR, PB_PTR|PB_OMIT, "signerName", NULL },
	{ 3, PB_MSG, PB_PTR|PB_OMIT, "labelSelector", &m_meta_LabelSelector },
	{ 5, PB_BOOL, PB_PTR|PB_OMIT, "optional", NULL },
	{ 4, PB_STR, 0, "path", NULL },
};
static const struct pb_msg m_core_ClusterTrustBundleProjection = { "ClusterTrustBundleProjection", CF_ARRAY_SIZE(m_core_ClusterTrustBundleProjection_f), m_core_ClusterTrustBundleProjection_f };
static const struct pb_field m_core_HTTPHeader_f[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_STR, 0, "value", NULL },
};
static const struct pb_msg m_core_HTTPHeader = { "HTTPHeader", CF_ARRAY_SIZE(m_core_HTTPHeader_f), m_core_HTTPHeader_f };
static const struct pb_field m_core_NodeSelectorRequirement_f[] = {
	{ 1, PB_STR, 0, "key", NULL },
	{ 2, PB_STR, 0, "operator", NULL },
	{ 3, PB_STR, PB_REP|PB_OMIT, "values", NULL },
};
static const struct pb_msg m_core_NodeSelectorRequirement = { "NodeSelectorRequirement", CF_ARRAY_SIZE(m_core_NodeSelectorRequirement_f), m_core_NodeSelectorRequirement_f };

static const struct pb_root pb_roots[] = {
	{ "authorization.k8s.io/v1", "SelfSubjectAccessReview", &m_authz_SelfSubjectAccessReview },
	{ "authorization.k8s.io/v1", "SelfSubjectRulesReview", &m_authz_SelfSubjectRulesReview },
	{ "authorization.k8s.io/v1", "SubjectAccessReview", &m_authz_SubjectAccessReview },
	{ "authorization.k8s.io/v1", "LocalSubjectAccessReview", &m_authz_LocalSubjectAccessReview },
	{ "authentication.k8s.io/v1", "TokenRequest", &m_authn_TokenRequest },
	{ "authentication.k8s.io/v1", "TokenReview", &m_authn_TokenReview },
	{ "authentication.k8s.io/v1", "SelfSubjectReview", &m_authn_SelfSubjectReview },
	{ "v1", "Namespace", &m_core_Namespace },
	{ "v1", "ConfigMap", &m_core_ConfigMap },
	{ "v1", "Secret", &m_core_Secret },
	{ "v1", "ServiceAccount", &m_core_ServiceAccount },
	{ "v1", "Service", &m_core_Service },
	{ "v1", "Pod", &m_core_Pod },
	{ "v1", "ResourceQuota", &m_core_ResourceQuota },
	{ "apps/v1", "Deployment", &m_apps_Deployment },
	{ "batch/v1", "Job", &m_batch_Job },
	{ "batch/v1", "CronJob", &m_batch_CronJob },
	{ "rbac.authorization.k8s.io/v1", "Role", &m_rbac_Role },
	{ "rbac.authorization.k8s.io/v1", "RoleBinding", &m_rbac_RoleBinding },
	{ "rbac.authorization.k8s.io/v1", "ClusterRole", &m_rbac_ClusterRole },
	{ "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", &m_rbac_ClusterRoleBinding },
	{ "scheduling.k8s.io/v1", "PriorityClass", &m_sched_PriorityClass },
	{ "networking.k8s.io/v1", "Ingress", &m_net_Ingress },
	{ "policy/v1", "PodDisruptionBudget", &m_policy_PodDisruptionBudget },
};

/* Wire types (the low 3 bits of a field key). Groups (3, 4) are never
 * written by k8s.io/api and are refused. */
enum pb_wire_type {
	PB_WIRE_VARINT = 0,
	PB_WIRE_I64 = 1,
	PB_WIRE_LEN = 2,
	PB_WIRE_I32 = 5,
};

/* One field as read off the wire: v for numbers, p/n for LEN payloads. */
struct pb_wire {
	uint32_t num;
	int type;
	uint64_t v;
	const uint8_t *p;
	size_t n;
};

/* Per-body state. The node budget stops a small body from expanding into
 * a huge tree: an empty 2-byte sub-message of a struct type is emitted
 * with all its non-omitted defaults, so the output is not bounded by the
 * input size alone. */
struct pb_ctx {
	cf_arena *a;
	size_t nodes;
	size_t max_nodes;
};

static int pb_bad(const char *what)
{
	return cf_error_setc(CF_EINVALID, CF_ERR_PARSE,
	    "invalid protobuf body: %s", what);
}

static int pb_budget(struct pb_ctx *c, size_t n)
{
	c->nodes += n;
	if (c->nodes > c->max_nodes)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_PARSE,
		    "protobuf body expands to too many fields");
	return 0;
}

static int read_varint(const uint8_t **pp, const uint8_t *end, uint64_t *out)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		uint8_t b;

		if (*pp >= end)
			return pb_bad("truncated varint");
		b = *(*pp)++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return pb_bad("varint longer than 10 bytes");
}

/* Read the next field of a message; LEN payloads are bounds-checked here
 * so no caller ever looks past end. */
static int next_field(const uint8_t **pp, const uint8_t *end,
    struct pb_wire *w)
{
	uint64_t key, len;
	int err;

	if ((err = read_varint(pp, end, &key)) < 0)
		return err;
	if ((key >> 3) == 0 || (key >> 3) > 0x1fffffff)
		return pb_bad("field number out of range");
	w->num = (uint32_t)(key >> 3);
	w->type = (int)(key & 7);
	w->v = 0;
	w->p = NULL;
	w->n = 0;
	switch (w->type) {
	case PB_WIRE_VARINT:
		return read_varint(pp, end, &w->v);
	case PB_WIRE_I64:
	case PB_WIRE_I32: {
		size_t sz = w->type == PB_WIRE_I64 ? 8 : 4;

		if ((size_t)(end - *pp) < sz)
			return pb_bad("truncated fixed-size field");
		for (size_t i = 0; i < sz; i++)
			w->v |= (uint64_t)(*pp)[i] << (8 * i);
		*pp += sz;
		return 0;
	}
	case PB_WIRE_LEN:
		if ((err = read_varint(pp, end, &len)) < 0)
			return err;
		if (len > (uint64_t)(end - *pp))
			return pb_bad("length past the end of the message");
		w->p = *pp;
		w->n = (size_t)len;
		*pp += len;
		return 0;
	default:
		return pb_bad("unsupported wire type");
	}
}

/* Node constructors that count against the budget. */
static cf_node *mk_strn(struct pb_ctx *c, const void *p, size_t n)
{
	c->nodes++;
	return cf_node_strn(c->a, (const char *)p, n);
}

static cf_node *mk_map(struct pb_ctx *c)
{
	c->nodes++;
	return cf_node_map(c->a);
}

static cf_node *mk_seq(struct pb_ctx *c)
{
	c->nodes++;
	return cf_node_seq(c->a);
}

static int want(const struct pb_wire *w, int type)
{
	return w->type == type ? 0 : pb_bad("wrong wire type for a field");
}

/* []byte becomes standard base64, as encoding/json writes it. */
static int mk_bytes(struct pb_ctx *c, cf_node **out, const uint8_t *p,
    size_t n)
{
	cf_buf b = CF_BUF_INIT;

	cf_base64_encode(&b, p, n, false);
	*out = mk_strn(c, b.buf, b.len);
	cf_buf_release(&b);
	return 0;
}

/* metav1.Time: RFC 3339 in UTC with seconds precision; the zero time is
 * null (Time.MarshalJSON). Nanos are dropped, as the Go decoder does. */
static int decode_time(struct pb_ctx *c, cf_node **out, const uint8_t *p,
    size_t n)
{
	const uint8_t *end = p + n;
	struct pb_wire w;
	int64_t secs = 0;
	struct tm tm;
	time_t t;
	char s[32];
	int err;

	while (p < end) {
		if ((err = next_field(&p, end, &w)) < 0)
			return err;
		if (w.num == 1 && (err = want(&w, PB_WIRE_VARINT)) < 0)
			return err;
		if (w.num == 1)
			secs = (int64_t)w.v;
	}
	c->nodes++;
	/* Go's zero time.Time is year 1, the Unix value below. */
	if (secs == 0 || secs == INT64_C(-62135596800)) {
		*out = cf_node_null(c->a);
		return 0;
	}
	t = (time_t)secs;
	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 0 ||
	    tm.tm_year + 1900 > 9999)
		return pb_bad("time outside of the years 0-9999");
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	*out = cf_node_str(c->a, s);
	return 0;
}

/* intstr.IntOrString: type 0 is an int, 1 a string; Go refuses to
 * marshal any other type, so a body carrying one is invalid. */
static int decode_ios(struct pb_ctx *c, cf_node **out, const uint8_t *p,
    size_t n)
{
	const uint8_t *end = p + n;
	struct pb_wire w;
	uint64_t type = 0;
	int64_t iv = 0;
	const uint8_t *sp = NULL;
	size_t sn = 0;
	int err;

	while (p < end) {
		if ((err = next_field(&p, end, &w)) < 0)
			return err;
		if (w.num == 1 || w.num == 2) {
			if ((err = want(&w, PB_WIRE_VARINT)) < 0)
				return err;
			if (w.num == 1)
				type = w.v;
			else
				iv = (int32_t)(uint32_t)w.v;
		} else if (w.num == 3) {
			if ((err = want(&w, PB_WIRE_LEN)) < 0)
				return err;
			sp = w.p;
			sn = w.n;
		}
	}
	if (type == 0) {
		c->nodes++;
		*out = cf_node_int(c->a, iv);
	} else if (type == 1) {
		*out = mk_strn(c, sp ? (const void *)sp : "", sn);
	} else {
		return pb_bad("int-or-string of an unknown type");
	}
	return 0;
}

/* resource.Quantity travels as {1 string}; its JSON is that string, and
 * the zero Quantity prints as "0". */
static int decode_qty(struct pb_ctx *c, cf_node **out, const uint8_t *p,
    size_t n)
{
	const uint8_t *end = p + n;
	struct pb_wire w;
	int err;

	*out = NULL;
	while (p < end) {
		if ((err = next_field(&p, end, &w)) < 0)
			return err;
		if (w.num != 1)
			continue;
		if ((err = want(&w, PB_WIRE_LEN)) < 0)
			return err;
		*out = mk_strn(c, w.p, w.n);
	}
	if (!*out || (*out)->len == 0)
		*out = mk_strn(c, "0", 1);
	return 0;
}

/* authorization's ExtraValue: {repeated string items = 1}. */
static int decode_strlist(struct pb_ctx *c, cf_node **out, const uint8_t *p,
    size_t n)
{
	const uint8_t *end = p + n;
	struct pb_wire w;
	int err;

	*out = mk_seq(c);
	while (p < end) {
		if ((err = next_field(&p, end, &w)) < 0)
			return err;
		if (w.num != 1)
			continue;
		if ((err = want(&w, PB_WIRE_LEN)) < 0)
			return err;
		cf_node_push(c->a, *out, mk_strn(c, w.p, w.n));
	}
	return 0;
}

static int decode_msg(struct pb_ctx *c, cf_node **out,
    const struct pb_msg *m, const uint8_t *p, size_t n, int depth);

/* FieldsV1 carries managedFields' field set as JSON text (its
 * MarshalJSON writes the raw bytes); an absent or empty raw is null. */
static int decode_rawjson(struct pb_ctx *c, cf_node **out, const uint8_t *p,
    size_t n)
{
	const uint8_t *end = p + n;
	const uint8_t *rp = NULL;
	size_t rn = 0;
	struct pb_wire w;
	cf_json_opts opts = { .max_depth = 64 };
	int err;

	while (p < end) {
		if ((err = next_field(&p, end, &w)) < 0)
			return err;
		if (w.num != 1)
			continue;
		if ((err = want(&w, PB_WIRE_LEN)) < 0)
			return err;
		rp = w.p;
		rn = w.n;
	}
	/* Parsed JSON costs about a node per few bytes: charge the bytes. */
	c->nodes += rn / 2 + 1;
	if (!rp || rn == 0) {
		*out = cf_node_null(c->a);
		return 0;
	}
	if (cf_json_parse(out, c->a, (const char *)rp, rn, &opts) < 0)
		return pb_bad("fieldsV1 is not JSON");
	return 0;
}

/* A map entry {1 key, 2 value}; a missing part is its zero value. */
static int decode_entry(struct pb_ctx *c, cf_node *map, int kind,
    const uint8_t *p, size_t n)
{
	const uint8_t *end = p + n;
	const uint8_t *kp = NULL;
	size_t kn = 0;
	cf_node *val = NULL;
	struct pb_wire w;
	int err;

	while (p < end) {
		if ((err = next_field(&p, end, &w)) < 0)
			return err;
		if (w.num != 1 && w.num != 2)
			continue;
		if ((err = want(&w, PB_WIRE_LEN)) < 0)
			return err;
		if (w.num == 1) {
			kp = w.p;
			kn = w.n;
		} else if (kind == PB_MAPSTR) {
			val = mk_strn(c, w.p, w.n);
		} else if (kind == PB_MAPBYTES) {
			mk_bytes(c, &val, w.p, w.n);
		} else if (kind == PB_MAPQTY) {
			if ((err = decode_qty(c, &val, w.p, w.n)) < 0)
				return err;
		} else if (kind == PB_MAPTIME) {
			if ((err = decode_time(c, &val, w.p, w.n)) < 0)
				return err;
		} else if ((err = decode_strlist(c, &val, w.p, w.n)) < 0) {
			return err;
		}
	}
	if (!val) {
		if (kind == PB_MAPQTY)
			val = mk_strn(c, "0", 1);
		else if (kind == PB_MAPTIME)
			val = cf_node_null(c->a);
		else if (kind == PB_EXTRA)
			val = mk_seq(c);
		else
			val = mk_strn(c, "", 0);
	}
	cf_node_setn(c->a, map, kp ? (const char *)kp : "", kn, val);
	return 0;
}

static const struct pb_field *find_field(const struct pb_msg *m, uint32_t num)
{
	for (size_t i = 0; i < m->nfields; i++)
		if (m->fields[i].num == num)
			return &m->fields[i];
	return NULL;
}

static bool is_map_kind(int kind)
{
	return kind == PB_MAPSTR || kind == PB_MAPBYTES || kind == PB_MAPQTY ||
	    kind == PB_EXTRA || kind == PB_MAPTIME;
}

/* Decode one occurrence of field f into its slot: scalars replace (last
 * one wins, as in protobuf), repeated fields and maps accumulate. */
static int decode_field(struct pb_ctx *c, const struct pb_field *f,
    const struct pb_wire *w, int depth, cf_node **slot)
{
	cf_node *v = NULL;
	int err = 0;

	/* Packed repeated numbers: accepted though gogo never packs. */
	if ((f->flags & PB_REP) && (f->kind == PB_INT || f->kind == PB_BOOL) &&
	    w->type == PB_WIRE_LEN) {
		const uint8_t *p = w->p, *end = w->p + w->n;
		uint64_t x;

		if (!*slot)
			*slot = mk_seq(c);
		while (p < end) {
			if ((err = read_varint(&p, end, &x)) < 0)
				return err;
			c->nodes++;
			cf_node_push(c->a, *slot, f->kind == PB_INT ?
			    cf_node_int(c->a, (int64_t)x) :
			    cf_node_bool(c->a, x != 0));
		}
		return 0;
	}
	if (f->kind == PB_INT || f->kind == PB_BOOL)
		err = want(w, PB_WIRE_VARINT);
	else if (f->kind != PB_SKIP)
		err = want(w, PB_WIRE_LEN);
	if (err < 0)
		return err;

	switch (f->kind) {
	case PB_STR:
		v = mk_strn(c, w->p, w->n);
		break;
	case PB_BYTES:
		mk_bytes(c, &v, w->p, w->n);
		break;
	case PB_INT:
		c->nodes++;
		v = cf_node_int(c->a, (int64_t)w->v);
		break;
	case PB_BOOL:
		c->nodes++;
		v = cf_node_bool(c->a, w->v != 0);
		break;
	case PB_MSG:
		err = decode_msg(c, &v, f->msg, w->p, w->n, depth + 1);
		break;
	case PB_TIME:
		err = decode_time(c, &v, w->p, w->n);
		break;
	case PB_IOS:
		err = decode_ios(c, &v, w->p, w->n);
		break;
	case PB_QTY:
		err = decode_qty(c, &v, w->p, w->n);
		break;
	case PB_RAWJSON:
		err = decode_rawjson(c, &v, w->p, w->n);
		break;
	case PB_MAPSTR:
	case PB_MAPTIME:
	case PB_MAPBYTES:
	case PB_MAPQTY:
	case PB_EXTRA:
		if (!*slot)
			*slot = mk_map(c);
		return decode_entry(c, *slot, f->kind, w->p, w->n);
	default: /* PB_SKIP */
		return 0;
	}
	if (err < 0)
		return err;
	if (f->flags & PB_REP) {
		if (!*slot)
			*slot = mk_seq(c);
		cf_node_push(c->a, *slot, v);
	} else {
		*slot = v;
	}
	return 0;
}

/* The JSON value Go's encoding/json writes for field f holding v (NULL:
 * not on the wire), or NULL when the field is left out. */
static int json_value(struct pb_ctx *c, cf_node **out,
    const struct pb_field *f, cf_node *v, int depth)
{
	bool omit = f->flags & PB_OMIT;

	*out = NULL;
	/* Slices and maps: empty is nil (protobuf cannot tell them apart),
	 * which omitempty drops and plain fields print as null. */
	if ((f->flags & PB_REP) || is_map_kind(f->kind) ||
	    f->kind == PB_BYTES) {
		if (v && (v->type == CF_NODE_STR ? v->len : cf_node_count(v))) {
			if (v->type == CF_NODE_MAP)
				cf_node_sort_keys(v); /* Go sorts map keys */
			*out = v;
		} else if (!omit) {
			*out = cf_node_null(c->a);
		}
		return 0;
	}
	/* Pointers: present means non-nil, whatever the value. */
	if (f->flags & PB_PTR) {
		if (v)
			*out = v;
		else if (!omit)
			*out = cf_node_null(c->a);
		return 0;
	}
	switch (f->kind) {
	case PB_STR:
		if (!v)
			v = mk_strn(c, "", 0);
		*out = omit && v->len == 0 ? NULL : v;
		return 0;
	case PB_INT:
		if (!v)
			v = cf_node_int(c->a, 0);
		*out = omit && v->v.i == 0 ? NULL : v;
		return 0;
	case PB_BOOL:
		if (!v)
			v = cf_node_bool(c->a, false);
		*out = omit && !v->v.b ? NULL : v;
		return 0;
	/* Structs are never "empty" to encoding/json: always written. */
	case PB_MSG:
		if (!v)
			return decode_msg(c, out, f->msg, NULL, 0, depth + 1);
		*out = v;
		return 0;
	case PB_TIME:
		*out = v ? v : cf_node_null(c->a);
		return 0;
	case PB_IOS:
		*out = v ? v : cf_node_int(c->a, 0);
		return 0;
	case PB_QTY:
		*out = v ? v : mk_strn(c, "0", 1);
		return 0;
	default:
		return 0;
	}
}

/* Emit the slots of m in struct order; inline structs contribute their
 * own fields at their place, as encoding/json promotes them. */
static int emit_msg(struct pb_ctx *c, cf_node **out, const struct pb_msg *m,
    cf_node **slots, int depth)
{
	cf_node *map = mk_map(c);
	int err;

	for (size_t i = 0; i < m->nfields; i++) {
		const struct pb_field *f = &m->fields[i];
		cf_node *v = slots[i];

		if (f->kind == PB_SKIP)
			continue;
		if (f->flags & PB_INLINE) {
			if (!v && (err = decode_msg(c, &v, f->msg, NULL, 0,
			    depth + 1)) < 0)
				return err;
			for (uint32_t k = 0; k < v->len; k++)
				cf_node_setn(c->a, map, v->v.pairs[k].key,
				    v->v.pairs[k].klen, v->v.pairs[k].val);
			continue;
		}
		if ((err = json_value(c, &v, f, v, depth)) < 0)
			return err;
		if (v)
			cf_node_set(c->a, map, f->json, v);
	}
	if ((err = pb_budget(c, 0)) < 0)
		return err;
	*out = map;
	return 0;
}

static int decode_msg(struct pb_ctx *c, cf_node **out,
    const struct pb_msg *m, const uint8_t *p, size_t n, int depth)
{
	const uint8_t *end;
	cf_node **slots;
	struct pb_wire w;
	int err;

	if (!p)
		p = (const uint8_t *)""; /* default-only decode: no bytes */
	end = p + n;
	if (depth > CF_PROTOBUF_MAX_DEPTH)
		return pb_bad("messages nested too deeply");
	if ((err = pb_budget(c, m->nfields)) < 0)
		return err;
	slots = cf_arena_zalloc(c->a, (m->nfields + 1) * sizeof(*slots));
	while (p < end) {
		const struct pb_field *f;

		if ((err = next_field(&p, end, &w)) < 0)
			return err;
		f = find_field(m, w.num);
		if (!f)
			continue; /* a newer field: skipped, like Go does */
		if ((err = decode_field(c, f, &w, depth, &slots[f - m->fields])) < 0)
			return err;
		if ((err = pb_budget(c, 0)) < 0)
			return err;
	}
	return emit_msg(c, out, m, slots, depth);
}

static const struct pb_root *find_root(const char *av, size_t avn,
    const char *kind, size_t kn)
{
	for (size_t i = 0; i < CF_ARRAY_SIZE(pb_roots); i++) {
		const struct pb_root *r = &pb_roots[i];

		if (strlen(r->api_version) == avn && strlen(r->kind) == kn &&
		    !memcmp(r->api_version, av, avn) && !memcmp(r->kind, kind, kn))
			return r;
	}
	return NULL;
}

bool cf_protobuf_supports(const char *api_version, const char *kind)
{
	if (!api_version || !kind)
		return false;
	return find_root(api_version, strlen(api_version), kind,
	    strlen(kind)) != NULL;
}

bool cf_protobuf_is_media_type(const char *ct)
{
	size_t n = sizeof(CF_PROTOBUF_MEDIA_TYPE) - 1;

	if (!ct)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, CF_PROTOBUF_MEDIA_TYPE, n))
		return false;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

/* runtime.Unknown: {1 typeMeta{1 apiVersion, 2 kind}, 2 raw,
 * 3 contentEncoding, 4 contentType}. */
struct pb_unknown {
	const uint8_t *av, *kind, *raw, *enc;
	size_t avn, kindn, rawn, encn;
};

static int parse_unknown(struct pb_unknown *u, const uint8_t *p, size_t n)
{
	const uint8_t *end = p + n;
	struct pb_wire w, t;
	int err;

	memset(u, 0, sizeof(*u));
	while (p < end) {
		if ((err = next_field(&p, end, &w)) < 0)
			return err;
		if (w.num < 1 || w.num > 4)
			continue;
		if ((err = want(&w, PB_WIRE_LEN)) < 0)
			return err;
		if (w.num == 2) {
			u->raw = w.p;
			u->rawn = w.n;
		} else if (w.num == 3) {
			u->enc = w.p;
			u->encn = w.n;
		} else if (w.num == 1) {
			const uint8_t *q = w.p, *qend = w.p + w.n;

			while (q < qend) {
				if ((err = next_field(&q, qend, &t)) < 0)
					return err;
				if (t.num != 1 && t.num != 2)
					continue;
				if ((err = want(&t, PB_WIRE_LEN)) < 0)
					return err;
				if (t.num == 1) {
					u->av = t.p;
					u->avn = t.n;
				} else {
					u->kind = t.p;
					u->kindn = t.n;
				}
			}
		}
	}
	return 0;
}

int cf_protobuf_decode(cf_node **out, cf_arena *a, const void *body,
    size_t len)
{
	const uint8_t *p = body;
	struct pb_ctx c = { .a = a };
	const struct pb_root *root;
	struct pb_unknown u;
	cf_node *obj, *res;
	int err;

	*out = NULL;
	if (len < 4 || memcmp(p, "k8s\0", 4))
		return pb_bad("missing the k8s\\0 prefix");
	if ((err = parse_unknown(&u, p + 4, len - 4)) < 0)
		return err;
	if (u.encn)
		return pb_bad("content encodings are not supported");
	root = find_root((const char *)u.av, u.avn, (const char *)u.kind,
	    u.kindn);
	if (!root)
		return cf_error_setc(CF_ENOTFOUND, CF_ERR_PARSE,
		    "no protobuf decoding for %.*s, Kind=%.*s",
		    (int)(u.avn > 64 ? 64 : u.avn), u.av ? (const char *)u.av : "",
		    (int)(u.kindn > 64 ? 64 : u.kindn),
		    u.kind ? (const char *)u.kind : "");
	/* Generous for real bodies (about one node per field written) while
	 * refusing default-expansion bombs. */
	c.max_nodes = 4096 + 16 * len;
	if ((err = decode_msg(&c, &obj, root->msg, u.raw, u.rawn, 0)) < 0)
		return err;

	/* TypeMeta comes first, Kind before APIVersion, as Go writes it. */
	res = cf_node_map(a);
	cf_node_set(a, res, "kind", cf_node_str(a, root->kind));
	cf_node_set(a, res, "apiVersion", cf_node_str(a, root->api_version));
	for (uint32_t i = 0; i < obj->len; i++)
		cf_node_setn(a, res, obj->v.pairs[i].key, obj->v.pairs[i].klen,
		    obj->v.pairs[i].val);
	*out = res;
	return 0;
}
