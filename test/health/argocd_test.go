package health

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// argoDir holds the checks in Argo CD's resource_customizations layout:
// <group>/<Kind>/health.lua.
var argoDir = filepath.Join(root, "config", "health", "argocd")

// argoCMPatch is the argocd-cm patch that carries the same scripts.
var argoCMPatch = filepath.Join(argoDir, "argocd-cm-patch.yaml")

// argoHealth is what a health script returns.
type argoHealth struct{ Status, Message string }

// loadArgoChecks reads the health script of every kind.
func loadArgoChecks(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, kind := range kinds {
		data, err := os.ReadFile(filepath.Join(argoDir, v1alpha1.GroupVersion.Group, kind, "health.lua"))
		must(t, err)
		out[kind] = string(data)
	}
	return out
}

// runArgoCheck runs a health script the way Argo CD runs one configured in
// argocd-cm: without the standard libraries but base, table and package,
// the object as the global `obj`, a second to finish, and a table returned
// whose status must be one Argo CD knows.
func runArgoCheck(t *testing.T, script string, obj interface {
	UnstructuredContent() map[string]any
}) argoHealth {
	t.Helper()
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for name, open := range map[string]lua.LGFunction{lua.LoadLibName: lua.OpenPackage, lua.BaseLibName: lua.OpenBase, lua.TabLibName: lua.OpenTable} {
		must(t, l.CallByParam(lua.P{Fn: l.NewFunction(open), NRet: 0, Protect: true}, lua.LString(name)))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", toLua(l, obj.UnstructuredContent()))
	if err := l.DoString(script); err != nil {
		t.Fatalf("the health script failed: %v", err)
	}
	ret, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		t.Fatalf("the health script returned %s, not a table", l.Get(-1).Type())
	}
	hs := argoHealth{Status: lua.LVAsString(ret.RawGetString("status")), Message: lua.LVAsString(ret.RawGetString("message"))}
	switch hs.Status {
	case "Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown":
	default:
		t.Errorf("the health script returned status %q, which Argo CD turns into Unknown", hs.Status)
	}
	return hs
}

// toLua turns a decoded JSON value into Lua values as Argo CD hands `obj`
// to a script: objects as tables keyed by name, arrays as tables indexed
// from 1, numbers as numbers, null as nil.
func toLua(l *lua.LState, v any) lua.LValue {
	switch x := v.(type) {
	case map[string]any:
		t := l.CreateTable(0, len(x))
		for k, item := range x {
			t.RawSetString(k, toLua(l, item))
		}
		return t
	case []any:
		t := l.CreateTable(len(x), 0)
		for _, item := range x {
			t.Append(toLua(l, item))
		}
		return t
	case string:
		return lua.LString(x)
	case bool:
		return lua.LBool(x)
	case int64:
		return lua.LNumber(x)
	case int:
		return lua.LNumber(x)
	case int32:
		return lua.LNumber(x)
	case float64:
		return lua.LNumber(x)
	}
	return lua.LNil
}

// TestArgoCDConfigMapPatch checks that argocd-cm-patch.yaml carries exactly
// the scripts of config/health/argocd, one key per kind. ARGOCD_CM_UPDATE=1
// rewrites it from the scripts.
func TestArgoCDConfigMapPatch(t *testing.T) {
	scripts := loadArgoChecks(t)
	if os.Getenv("ARGOCD_CM_UPDATE") != "" {
		must(t, os.WriteFile(argoCMPatch, renderCMPatch(scripts), 0o644))
	}
	data, err := os.ReadFile(argoCMPatch)
	must(t, err)
	cm := &corev1.ConfigMap{}
	must(t, yaml.UnmarshalStrict(data, cm))
	if cm.Name != "argocd-cm" || cm.Namespace != "argocd" || cm.Kind != "ConfigMap" || cm.APIVersion != "v1" {
		t.Errorf("the patch is for %s %s/%s (%s), want ConfigMap argocd/argocd-cm (v1)", cm.Kind, cm.Namespace, cm.Name, cm.APIVersion)
	}
	want := map[string]string{}
	for kind, script := range scripts {
		want[cmKey(kind)] = script
	}
	for k, v := range want {
		if cm.Data[k] != v {
			t.Errorf("%s differs from %s/%s/health.lua: run ARGOCD_CM_UPDATE=1 go test -run TestArgoCDConfigMapPatch ./test/health", k, v1alpha1.GroupVersion.Group, strings.TrimPrefix(k, "resource.customizations.health."+v1alpha1.GroupVersion.Group+"_"))
		}
	}
	for k := range cm.Data {
		if _, ok := want[k]; !ok {
			t.Errorf("the patch has %s, which no script in %s matches", k, argoDir)
		}
	}
	if !bytes.Equal(data, renderCMPatch(scripts)) {
		t.Errorf("%s is not as rendered from the scripts: run ARGOCD_CM_UPDATE=1 go test -run TestArgoCDConfigMapPatch ./test/health", argoCMPatch)
	}
}

// cmKey is a kind's key in argocd-cm.
func cmKey(kind string) string {
	return "resource.customizations.health." + v1alpha1.GroupVersion.Group + "_" + kind
}

// renderCMPatch writes the argocd-cm patch: a ConfigMap with one health
// script per kind, usable by `kubectl patch --patch-file` and as a
// kustomize patch.
func renderCMPatch(scripts map[string]string) []byte {
	var b bytes.Buffer
	b.WriteString(`# Argo CD health checks for the operator's kinds, generated from
# config/health/argocd/emergency.netsec.io/<Kind>/health.lua by
#   ARGOCD_CM_UPDATE=1 go test -run TestArgoCDConfigMapPatch ./test/health
# Apply it with
#   kubectl patch configmap argocd-cm -n argocd --patch-file config/health/argocd/argocd-cm-patch.yaml
# or list it under "patches:" of the kustomization that installs Argo CD.
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
data:
`)
	names := make([]string, 0, len(scripts))
	for kind := range scripts {
		names = append(names, kind)
	}
	sort.Strings(names)
	for _, kind := range names {
		b.WriteString("  " + cmKey(kind) + ": |\n")
		for _, line := range strings.Split(strings.TrimRight(scripts[kind], "\n"), "\n") {
			if line == "" {
				b.WriteString("\n")
				continue
			}
			b.WriteString("    " + line + "\n")
		}
	}
	return b.Bytes()
}

// TestArgoCDCheckWithoutCluster runs the scripts on objects the operator
// has not yet written, or wrote for an older generation.
func TestArgoCDCheckWithoutCluster(t *testing.T) {
	obj := func(generation any, status map[string]any) map[string]any {
		o := map[string]any{"apiVersion": "emergency.netsec.io/v1alpha1", "kind": "EmergencyResponse",
			"metadata": map[string]any{"name": "r", "namespace": "office", "generation": generation}}
		if status != nil {
			o["status"] = status
		}
		return o
	}
	cond := func(typ, status, reason, message string) any {
		return map[string]any{"type": typ, "status": status, "reason": reason, "message": message}
	}
	ready := cond("Ready", "True", "Ready", "Level IV response active.")
	cases := map[string]struct {
		obj  map[string]any
		want argoHealth
	}{
		"no status":                                        {obj(int64(1), nil), argoHealth{"Progressing", "Waiting for the operator to report on it."}},
		"status without conditions":                        {obj(int64(1), map[string]any{"level": "IV"}), argoHealth{"Progressing", "Waiting for the operator to report on it."}},
		"observedGeneration behind":                        {obj(int64(3), map[string]any{"observedGeneration": int64(2), "conditions": []any{ready}}), argoHealth{"Progressing", "The operator has not yet reconciled generation 3."}},
		"no observedGeneration (as kstatus, not compared)": {obj(int64(3), map[string]any{"conditions": []any{ready}}), argoHealth{"Healthy", "Level IV response active."}},
		"Stalled wins over Ready": {obj(int64(1), map[string]any{"observedGeneration": int64(1), "conditions": []any{
			ready, cond("Stalled", "True", "DrillMismatch", "A drill approval cannot start it."), cond("Reconciling", "False", "Settled", "")}}),
			argoHealth{"Degraded", "A drill approval cannot start it."}},
		"Ready without a message": {obj(int64(1), map[string]any{"observedGeneration": int64(1), "conditions": []any{cond("Ready", "False", "Odd", "")}}),
			argoHealth{"Progressing", "Ready is False (Odd)."}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for kind, script := range loadArgoChecks(t) {
				if got := runArgoCheck(t, script, unstructuredOf(tc.obj)); got != tc.want {
					t.Errorf("%s: %+v, want %+v", kind, got, tc.want)
				}
			}
		})
	}
}

type unstructuredOf map[string]any

func (u unstructuredOf) UnstructuredContent() map[string]any { return u }
