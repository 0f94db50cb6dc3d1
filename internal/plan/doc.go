// Package plan is the room of the emergency plan's own rules, one package
// per subject, each pure: plain inputs and a time in, values out, no client
// and no controller-runtime. Read these to learn what the plan says; read
// controllers/ to learn how the operator acts on it.
//
//   - level: the §3 level table.
//   - deadline: one deadline's bookkeeping (Pending → Met or Missed).
//   - report: the §4.1 form and report deadlines, the §6.1 summary reports.
//   - approval: every gate as one verdict (§4.4, §4.6, §5.3, §5.6).
//   - response: the level in force, drills over real incidents, §5.5 measures.
//   - warning: what a warning's colour requires (§4.5).
//   - workday: working days with holidays and make-up days.
//   - unit: a reporting unit's register: who files its own plan (§9.1) and
//     drills every year (§7.2), the local year, a record that only grows.
//   - routing: who is told what, when, through which channel, and with
//     whose consent (§4.1, §4.4, §4.6, §5.3–§5.6, §6.1, §7.2).
package plan
