// Package v1alpha1 contains the API types of the emergency.netsec.io group:
// the public-internet cybersecurity emergency plan read as Kubernetes
// resources. It imports no client, so that the plan's rules in internal/
// can use these types without one.
//
// +kubebuilder:object:generate=true
// +groupName=emergency.netsec.io
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// GroupVersion is the group and version of these objects.
var GroupVersion = schema.GroupVersion{Group: "emergency.netsec.io", Version: "v1alpha1"}

var (
	knownTypes []runtime.Object

	// SchemeBuilder adds the types of this group to a scheme.
	SchemeBuilder = runtime.NewSchemeBuilder(func(s *runtime.Scheme) error {
		s.AddKnownTypes(GroupVersion, knownTypes...)
		metav1.AddToGroupVersion(s, GroupVersion)
		return nil
	})

	// AddToScheme adds the types of this group to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

// register is called from each kind's init.
func register(objs ...runtime.Object) { knownTypes = append(knownTypes, objs...) }
