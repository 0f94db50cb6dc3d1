#!/usr/bin/env bash
# End to end: a whole drill with the real kubectl against the operator
# running as its own process on its local control plane.
#   incident → response → approval by a separate entitled user → work groups
#   → progress report → end → summary reports → form → timeline,
# then a GitOps re-apply that changes nothing, and a clean delete; then the
# samples applied and deleted as a whole (kubectl apply/delete -k), a
# namespace of drills deleted, and a namespace holding a real incident that
# stays Terminating. The local directory does not exist beforehand, as on a
# fresh clone.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
: "${KUBEBUILDER_ASSETS:?run make test-e2e}"
export PATH="$KUBEBUILDER_ASSETS:$root/bin:$PATH"
work="$(mktemp -d)"
passed=0
failed=0
start=$(date +%s)

check() { # check "what" command...
  local what="$1"; shift
  if "$@" >"$work/out" 2>&1; then passed=$((passed + 1)); echo "ok   $what"
  else failed=$((failed + 1)); echo "FAIL $what"; sed 's/^/     /' "$work/out"; fi
}

go build -o bin/local-manager ./cmd/local
go build -o bin/kubectl-incident ./cmd/kubectl-incident

# No cluster is given (no --kubeconfig, no $KUBECONFIG): it starts its own.
unset KUBECONFIG
bin/local-manager --local-dir "$work/local" --metrics-bind-address 0 --health-probe-bind-address 0 >"$work/manager.log" 2>&1 &
manager=$!
cleanup() {
  kill -INT "$manager" 2>/dev/null || true
  wait "$manager" 2>/dev/null || true
  echo "e2e wall time: $(( $(date +%s) - start )) s"
  echo "$passed passed, $failed failed"
  rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  [ -s "$work/local/kubeconfig-drill-pipeline" ] && grep -q "Starting workers" "$work/manager.log" && break
  sleep 0.5
done
export KUBECONFIG="$work/local/kubeconfig"
drill="$work/local/kubeconfig-drill-pipeline"
duty="$work/local/kubeconfig-duty-officer"
samples=(config/samples/emergency_v1alpha1_holidaycalendar.yaml
         config/samples/emergency_v1alpha1_securityincident_drill_iii.yaml
         config/samples/emergency_v1alpha1_emergencyresponse_drill_iii.yaml
         config/samples/emergency_v1alpha1_warning_drill_yellow.yaml)
apply_samples() { for f in "${samples[@]}"; do kubectl apply -f "$f"; done; }

check "kubectl apply the drill" apply_samples
check "the drill incident is classified III" \
  kubectl wait --for=jsonpath='{.status.level}'=III --timeout=30s securityincident/drill-provincial-virus-outbreak
# No channel here: its report cannot reach the office, and it says so.
check "with no channel for the office, the incident is not Ready (NoChannel)" \
  kubectl wait --for=jsonpath='{.status.conditions[?(@.type=="Ready")].reason}'=NoChannel --timeout=30s securityincident/drill-provincial-virus-outbreak
check "its level is III" bash -c '[ "$(kubectl get sinc drill-provincial-virus-outbreak -o jsonpath={.status.level})" = III ]'
check "the drill warning waits for approval" \
  kubectl wait --for=jsonpath='{.status.phase}'=AwaitingApproval --timeout=30s warn/drill-yellow-ransomware
check "the drill pipeline approves the warning" kubectl-incident --kubeconfig "$drill" approve warning drill-yellow-ransomware
check "the warning is published with its measures" bash -c 'kubectl wait --for=jsonpath={.status.phase}=Published --timeout=30s warn/drill-yellow-ransomware &&
  kubectl get warn drill-yellow-ransomware -o jsonpath={.status.measures} | grep -q PublishPrecautionsAndHotline'
check "the response waits for approval" \
  kubectl wait --for=jsonpath='{.status.phase}'=AwaitingApproval --timeout=30s er/drill-virus-response
check "the administrator who created it may not approve it" \
  bash -c '! kubectl-incident approve response drill-virus-response 2>&1 | tee /dev/stderr | grep -q "^emergencyresponse"'
check "the drill pipeline approves" kubectl-incident --kubeconfig "$drill" approve response drill-virus-response
check "work groups ready" kubectl wait --for=condition=WorkGroupsReady --timeout=30s er/drill-virus-response
check "five work groups exist" bash -c '[ "$(kubectl get wg -l emergency.netsec.io/response=drill-virus-response -o name | wc -l)" = 5 ]'
report='{"spec":{"lead":"Huang Min","reports":[{"time":"2026-11-25T10:00:00+08:00","unit":"Example Security Support Centre","measures":"Infected segments isolated","effect":"Spread stopped","nextSteps":"Clean and restore","suggestions":"None"}]}}'
check "a unit's progress report" kubectl --kubeconfig "$duty" patch wg drill-virus-response-recovery --type merge -p "$report"
check "the report is counted" kubectl wait --for=jsonpath='{.status.reportCount}'=1 --timeout=30s wg/drill-virus-response-recovery
check "the drill pipeline ends it" kubectl-incident --kubeconfig "$drill" end drill-virus-response
check "the response ends" kubectl wait --for=condition=Ended --timeout=30s er/drill-virus-response
now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
# The drill was filed in a namespace with no registered unit: only the
# office's summary report is owed (a unit's own is filed from its namespace).
check "the office's summary report handed in" kubectl --kubeconfig "$duty" patch er drill-virus-response --type merge -p \
  "{\"spec\":{\"summaryReports\":{\"office\":{\"submittedAt\":\"$now\",\"document\":\"DRILL-OFFICE-1\"}}}}"
check "its deadline is met, and it is the only one" bash -c 'kubectl wait --for=jsonpath="{.status.deadlines[0].state}"=Met --timeout=30s er/drill-virus-response &&
  [ "$(kubectl get er drill-virus-response -o jsonpath={.status.deadlines[*].name})" = OfficeSummaryReport ]'
check "the incident shows its response ended" \
  kubectl wait --for=jsonpath='{.status.response.phase}'=Ended --timeout=30s sinc/drill-provincial-virus-outbreak
check "the form ticks the virus box and says drill" \
  bash -c 'kubectl-incident form drill-provincial-virus-outbreak | tee /dev/stderr | grep -q "☑网络病毒爆发" && kubectl-incident form drill-provincial-virus-outbreak | grep -q "【演练】"'
check "the HTML form renders" bash -c 'kubectl-incident form drill-provincial-virus-outbreak -o html | grep -q "<h1>贵州省公共互联网网络安全事件报送表</h1>"'
check "the timeline has the whole story" bash -c 'kubectl-incident timeline drill-virus-response | tee /dev/stderr |
  grep -q "approved for level III by drill-pipeline" && kubectl-incident timeline drill-virus-response | grep -q "ended$" &&
  kubectl-incident timeline drill-virus-response | grep -q "progress report to drill-virus-response-recovery"'

check "the drill pipeline lifts the warning" kubectl-incident --kubeconfig "$drill" lift drill-yellow-ransomware
check "the warning is lifted" kubectl wait --for=jsonpath='{.status.phase}'=Lifted --timeout=30s warn/drill-yellow-ransomware

rv() { kubectl get sinc,er,hcal,warn -o jsonpath='{range .items[*]}{.metadata.resourceVersion} {end}'; }
before="$(rv)"
check "a GitOps re-apply changes nothing" bash -c "$(declare -f apply_samples); samples=(${samples[*]}); apply_samples | grep -v unchanged | (! grep .)"
sleep 2
check "and no resourceVersion moved" bash -c "[ \"$before\" = \"$(rv)\" ]"
check "deleting the drill leaves nothing that blocks deletion" \
  kubectl delete --wait --timeout=30s -f "${samples[3]}" -f "${samples[2]}" -f "${samples[1]}"
# The unit's summary report is the unit's, not the samples': a drill's may be
# deleted (config/admission/record.yaml).
# The work groups and the notifications go with their owners, deleted by
# kube-controller-manager's garbage collector, not by anyone here.
gone() { # gone [kubectl get args...]: nothing is listed, within 30 s
  for _ in $(seq 1 60); do [ -z "$(kubectl get "$@" -o name)" ] && return 0; sleep 0.5; done
  kubectl get "$@"; return 1
}
check "nothing is left, work groups and notifications included" gone sinc,er,wg,warn,ntf,ur

# --- the samples as a whole: all drills, all deletable ---------------------
check "kubectl apply -k config/samples" kubectl apply -k config/samples
check "the drill response there waits for approval" \
  kubectl wait --for=jsonpath='{.status.phase}'=AwaitingApproval --timeout=30s er/drill-virus-response
check "the drill pipeline approves it" kubectl-incident --kubeconfig "$drill" approve response drill-virus-response
check "its work groups are ready" kubectl wait --for=condition=WorkGroupsReady --timeout=30s er/drill-virus-response
check "the drill red warning is relayed at once" \
  kubectl wait --for=jsonpath='{.status.phase}'=Published --timeout=30s warn/drill-national-red-ransomware
check "the drills wrote their reports" bash -c '[ "$(kubectl get ntf -o name | wc -l)" -gt 3 ]'
t0=$(date +%s%N)
check "kubectl delete -k config/samples --wait" kubectl delete -k config/samples --wait --timeout=60s
check "leaves nothing of the plan's kinds in the namespace" gone incident
check "nor work groups, notifications, channels or the calendar" gone sinc,er,wg,warn,ntf,nch,hcal
echo "     (delete -k until nothing is left: $(( ($(date +%s%N) - t0) / 1000000 )) ms)"

# --- namespaces ------------------------------------------------------------
in_ns() { # in_ns NS FILE...: apply sample files into namespace NS
  local ns="$1"; shift
  for f in "$@"; do sed "s/namespace: default/namespace: $ns/g" "$f"; echo ---; done | kubectl apply -f -
}
kubectl create namespace e2e-drills >/dev/null
check "a drill in a namespace of its own" in_ns e2e-drills "${samples[1]}" "${samples[2]}"
check "approved there" bash -c "kubectl wait -n e2e-drills --for=jsonpath='{.status.phase}'=AwaitingApproval --timeout=30s er/drill-virus-response &&
  kubectl-incident --kubeconfig '$drill' -n e2e-drills approve response drill-virus-response &&
  kubectl wait -n e2e-drills --for=condition=WorkGroupsReady --timeout=30s er/drill-virus-response"
t0=$(date +%s%N)
check "deleting the namespace of a drill completes" kubectl delete namespace e2e-drills --wait --timeout=60s
echo "     (namespace deleted in $(( ($(date +%s%N) - t0) / 1000000 )) ms)"

# A real incident stays on record (config/admission/record.yaml), also when
# its namespace is deleted: the namespace controller's deletes are refused,
# and the namespace stays Terminating with a condition that says why.
kubectl create namespace e2e-record >/dev/null
# The office registers the unit there first (named as the namespace): a real
# incident is admitted only from its namespace's registered unit.
check "its unit registered" bash -c "sed 's/unit-telecom/e2e-record/g' config/samples/units/emergency_v1alpha1_reportingunit_telecom.yaml | kubectl apply -f -"
# (retried for up to 10 s: the API server's admission may see the new unit
# a moment after it was written)
record_incident() {
  for _ in $(seq 50); do
    sed 's/namespace: unit-telecom/namespace: e2e-record/' config/samples/real/emergency_v1alpha1_securityincident_level_iii.yaml | kubectl apply -f - && return 0
    sleep 0.2
  done
  return 1
}
check "a real incident in a namespace of its own" record_incident
check "it is classified" kubectl wait -n e2e-record --for=jsonpath='{.status.level}'=III --timeout=30s sinc/member-database-leak
check "deleting its namespace is accepted" kubectl delete namespace e2e-record --wait=false
check "the namespace stays Terminating, saying rule record keeps the incident" \
  kubectl wait namespace/e2e-record --for=condition=NamespaceDeletionContentFailure --timeout=60s
kubectl get namespace e2e-record -o jsonpath='{range .status.conditions[?(@.type=="NamespaceDeletionContentFailure")]}     ({.reason}: {.message}){"\n"}{end}'
check "the condition names the rule" bash -c "kubectl get namespace e2e-record -o jsonpath='{.status.conditions}' | grep -q 'rule record: a real incident stays on record'"
check "and the incident is still there, not being deleted" \
  bash -c '[ -z "$(kubectl get -n e2e-record sinc member-database-leak -o jsonpath={.metadata.deletionTimestamp})" ]'

[ "$failed" -eq 0 ]
