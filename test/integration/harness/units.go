package harness

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
)

// The unit the test builder's incidents name (builder.Incident): NewNamespace
// registers it, so that a spec files real incidents where it always did.
const (
	DefaultUnitName                   = "Guizhou Example Telecom"
	DefaultUnitType v1alpha1.UnitType = v1alpha1.UnitBasicTelecom
)

// NewNamespace gives each spec a namespace of its own, the register of the
// builder's unit (DefaultUnitName): real incidents are admitted only where a
// unit is registered (config/admission/tenancy.yaml).
func NewNamespace() string {
	GinkgoHelper()
	ns := NewBareNamespace()
	RegisterUnit(ns, DefaultUnitName, DefaultUnitType)
	return ns
}

// NewBareNamespace gives a spec a namespace with no unit registered in it.
func NewBareNamespace() string {
	GinkgoHelper()
	c := current()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "unit-"}}
	Expect(c.Client.Create(c.Ctx, ns)).To(Succeed())
	return ns.Name
}

// RegisterUnit registers a reporting unit in namespace ns, named as it, as
// the cluster's administrator, and waits until the API server's tenancy
// policy reads it: a policy's parameters come from an informer, and an
// incident filed at once could still find none.
func RegisterUnit(ns, name string, typ v1alpha1.UnitType) *v1alpha1.ReportingUnit {
	GinkgoHelper()
	c := current()
	u := &v1alpha1.ReportingUnit{
		ObjectMeta: metav1.ObjectMeta{Name: ns, Namespace: ns},
		Spec:       v1alpha1.ReportingUnitSpec{Name: name, Type: typ},
	}
	Expect(builder.RegisterAs(c.Ctx, c.Client, u, 30*time.Second)).To(Succeed(), "the tenancy policy did not see the unit registered in %s", ns)
	return u
}

// GetUnit reads a reporting unit afresh.
func GetUnit(g Gomega, ns string) *v1alpha1.ReportingUnit {
	c := current()
	out := &v1alpha1.ReportingUnit{}
	g.Expect(c.Client.Get(c.Ctx, client.ObjectKey{Namespace: ns, Name: ns}, out)).To(Succeed())
	return out
}
