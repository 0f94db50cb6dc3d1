package v1alpha1

// Condition types of an Uplink.
const (
	// UplinkConnectedCondition is True while the upper cluster answers the
	// link with the credentials of its Secret.
	UplinkConnectedCondition = "Connected"
	// UplinkInSyncCondition is True when every record is across, either
	// way, and current (status.backlog is 0).
	UplinkInSyncCondition = "InSync"
)

// Condition reasons of an Uplink.
const (
	// UplinkConnectedReason: the upper cluster answered.
	UplinkConnectedReason = "Connected"
	// UplinkNoCredentialsReason: the kubeconfig Secret is missing, or
	// cannot be read as a kubeconfig.
	UplinkNoCredentialsReason = "NoCredentials"
	// UplinkUnreachableReason: the upper cluster did not answer.
	UplinkUnreachableReason = "Unreachable"
	// UplinkRefusedReason: the upper cluster answered but refused the
	// link's credentials or one of its writes.
	UplinkRefusedReason = "Refused"
	// UplinkInSyncReason: nothing is waiting to cross.
	UplinkInSyncReason = "InSync"
	// UplinkBacklogReason: records are waiting to cross.
	UplinkBacklogReason = "Backlog"
	// UplinkConflictReason: a record cannot cross because the other side
	// holds an object of its name copied from another origin.
	UplinkConflictReason = "Conflict"
)

// Labels and annotations every copy carries, on either side of a link.
// The API server refuses them from anyone but the link of the origin they
// name (config/admission/copies.yaml), and no one may change them.
const (
	// LabelOriginCluster names the cluster a copy came from: the lower
	// cluster's spec.cluster for a copy carried up, the upper cluster's
	// name for a mirror carried down.
	LabelOriginCluster = "emergency.netsec.io/origin-cluster"
	// LabelOriginUID is the uid of the original object.
	LabelOriginUID = "emergency.netsec.io/origin-uid"
	// LabelCopy says what kind of copy an object is; see CopyReported,
	// CopyRelayed, CopyMirror. An object without it is an original.
	LabelCopy = "emergency.netsec.io/copy"
	// AnnotationOrigin is the original's namespace and name, as
	// namespace/name, in its own cluster.
	AnnotationOrigin = "emergency.netsec.io/origin"
	// AnnotationDirectedFrom names the upper cluster a directive on a
	// response came from (AnnotationDirective, AnnotationEndDirective):
	// the ministry wrote it on the response's relayed copy there, and the
	// province's link brought it down. The API server admits it only from
	// a holder of relay on origins/<that cluster> (approvals.yaml).
	AnnotationDirectedFrom = "emergency.netsec.io/directed-from"
	// LabelUplinkChannel marks the channel an Uplink of a unit gives the
	// unit's namespace: the office is reached through the link, and a
	// report delivered through it is the record's copy on the province's
	// cluster. Such a channel is the operator's own and is never stored.
	LabelUplinkChannel = "emergency.netsec.io/uplink"
)

// The kinds of copy (LabelCopy).
const (
	// CopyReported: a unit's own record carried up to the province, which
	// acts on it as on any unit's report (it classifies an incident, takes
	// a report into the unit's record). It must name the unit registered
	// in its namespace there.
	CopyReported = "reported"
	// CopyRelayed: the province's record carried up to the ministry, on
	// the province's authority: a level I or II incident, a response the
	// ministry owes its directive.
	CopyRelayed = "relayed"
	// CopyMirror: an upper cluster's record carried down (a warning, a
	// response, a directive's response): read-only here, and the operator
	// here does not act on it.
	CopyMirror = "mirror"
)

// Verbs of the grants a link holds on the pseudo-resource origins of
// emergency.netsec.io, named by the origin cluster: the admission policy
// of copies asks the authorizer for them.
const (
	// VerbCopy: write copies (reported, mirror) from that origin.
	VerbCopy = "copy"
	// VerbRelay: write relayed copies from that origin.
	VerbRelay = "relay"
)
