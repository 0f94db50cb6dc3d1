package plugin

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// DefaultZone is the zone the plugin shows times in unless --time-zone says
// otherwise: the plan's local time.
const DefaultZone = "Asia/Shanghai"

// TimeLayout is how the plugin prints a time: to the second, with its
// offset, so that a line read alone is unambiguous.
const TimeLayout = "2006-01-02 15:04:05 -07:00"

// LoadZone loads a zone by its IANA name ("Asia/Shanghai", "UTC", "Local").
func LoadZone(name string) (*time.Location, error) {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("--time-zone %q: %w (an IANA name such as Asia/Shanghai or UTC)", name, err)
	}
	return loc, nil
}

func zoneOr(zone *time.Location) *time.Location {
	if zone != nil {
		return zone
	}
	if loc, err := time.LoadLocation(DefaultZone); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// ZoneName names a zone with its offset at a time: "Asia/Shanghai
// (UTC+08:00)".
func ZoneName(zone *time.Location, at time.Time) string {
	return fmt.Sprintf("%s (UTC%s)", zone, at.In(zone).Format("-07:00"))
}

// stamp prints a time in zone, with its offset; "—" when unknown.
func stamp(t *metav1.Time, zone *time.Location) string {
	if t == nil || t.IsZero() {
		return "—"
	}
	return t.In(zoneOr(zone)).Format(TimeLayout)
}
