-- Argo CD health of an incident-operator object (group emergency.netsec.io).
-- Every kind carries the same conditions, so every kind has this same
-- script; docs/platform.md, "GitOps health", has the table of states.
--
--   being deleted                                 Progressing (Argo CD says so itself before it runs a script)
--   no conditions yet                             Progressing
--   status.observedGeneration behind generation   Progressing
--   Stalled=True: only a person can put it right  Degraded, with Stalled's message
--   Reconciling=True: the operator is at work     Progressing, with Reconciling's message
--   Ready=True                                    Healthy
--   Ready=False, waiting for a person's decision  Suspended
--     (an approval, the end approval, the office's consent to a public
--     release, a quick notice's full form)
--   Ready=False otherwise                         Progressing, with Ready's message

local waitsForAPerson = {
  AwaitingApproval = true,
  AwaitingEndApproval = true,
  AwaitingConsent = true,
  Pending = true,
}

local hs = { status = "Progressing", message = "Waiting for the operator to report on it." }

if obj.metadata.deletionTimestamp ~= nil then
  hs.message = "Pending deletion"
  return hs
end
if obj.status == nil or obj.status.conditions == nil then
  return hs
end
local generation, observed = obj.metadata.generation, obj.status.observedGeneration
if generation ~= nil and observed ~= nil and observed ~= generation then
  hs.message = "The operator has not yet reconciled generation " .. generation .. "."
  return hs
end

local conditions = {}
for _, c in ipairs(obj.status.conditions) do
  conditions[c.type] = c
end
local stalled, reconciling, ready = conditions.Stalled, conditions.Reconciling, conditions.Ready

if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = stalled.message
  return hs
end
if reconciling ~= nil and reconciling.status == "True" then
  hs.message = reconciling.message
  return hs
end
if ready == nil then
  return hs
end
if ready.status == "True" then
  hs.status = "Healthy"
elseif waitsForAPerson[ready.reason] then
  hs.status = "Suspended"
end
hs.message = ready.message
if hs.message == nil or hs.message == "" then
  hs.message = "Ready is " .. ready.status .. " (" .. (ready.reason or "") .. ")."
end
return hs
