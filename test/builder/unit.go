package builder

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// RegisteredUnit is the unit Incident's reports come from (Guizhou Example
// Telecom, BasicTelecom), registered in namespace as the office registers
// it: named as the namespace, with a liaison and a duty contact.
func RegisteredUnit(namespace string) *v1alpha1.ReportingUnit {
	reporter := Incident("", namespace).obj.Spec.Reporter
	return &v1alpha1.ReportingUnit{
		ObjectMeta: metav1.ObjectMeta{Name: namespace, Namespace: namespace},
		Spec: v1alpha1.ReportingUnitSpec{
			Name:         reporter.UnitName,
			Type:         reporter.UnitType,
			Liaison:      &v1alpha1.Contact{Name: reporter.Contact.Name, Phone: reporter.Contact.Phone},
			DutyContacts: []v1alpha1.Contact{{Name: "Network operations centre", Phone: "+86 851 8888 0110"}},
		},
	}
}

// Register registers RegisteredUnit in namespace as c (the office, or a
// cluster administrator) and waits until the API server admits a real
// incident of it there: a dry-run create of Incident, retried until timeout,
// since the API server's admission may see a new unit a moment after it was
// written.
func Register(ctx context.Context, c client.Client, namespace string, timeout time.Duration) error {
	return RegisterAs(ctx, c, RegisteredUnit(namespace), timeout)
}

// RegisterAs is Register for any unit u: it creates u and waits until a
// real incident naming u's name and type is admitted in u's namespace.
func RegisterAs(ctx context.Context, c client.Client, u *v1alpha1.ReportingUnit, timeout time.Duration) error {
	namespace := u.Namespace
	if err := c.Create(ctx, u); err != nil {
		return fmt.Errorf("registering the unit of namespace %s: %w", namespace, err)
	}
	probe := Incident("unit-probe", namespace).Edit(func(i *v1alpha1.SecurityIncident) {
		i.Spec.Reporter.UnitName, i.Spec.Reporter.UnitType = u.Spec.Name, u.Spec.Type
	}).Obj()
	deadline := time.Now().Add(timeout)
	for {
		err := c.Create(ctx, probe.DeepCopy(), client.DryRunAll)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the unit of namespace %s is registered, but a real incident of it is not admitted there: %w", namespace, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
