package notify

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

const (
	// secretToken is the credential part of every test address; it must
	// never show up in an error.
	secretToken = "TOPSECRET-123"
	// signingSecret is the DingTalk signing secret used in tests.
	signingSecret = "SEC-shhh-456-signing"
	drillMarker   = "【演练 DRILL】"
)

// yellowFacts are the facts of a yellow warning.
func yellowFacts() WarningFacts {
	return WarningFacts{
		Namespace:   "office",
		Name:        "w1",
		Level:       "Yellow",
		Source:      "Provincial",
		StartTime:   time.Date(2026, 5, 1, 1, 0, 0, 0, time.UTC),
		Scope:       "Internet-facing VPN gateways",
		Harm:        "Remote code execution",
		Precautions: []string{"Apply the vendor patch", "Restrict management access"},
		TimeLimits:  "Within 24 hours",
		Issuer:      "Provincial CERT",
		Hotline:     "010-12345678",
		Measures:    []string{"CollectAndReport"},
		ApprovedBy:  "alice",
	}
}

// fixedMessage is the first attempt of a drill publication of a yellow
// warning.
func fixedMessage() Message {
	r, err := Warning("Published", nil, yellowFacts(), true)
	if err != nil {
		panic(err)
	}
	return Message{
		ID:      "w1-published",
		Type:    EventType("Warning", "WarningPublished"),
		Source:  "/apis/emergency.netsec.io/v1alpha1/namespaces/office/warnings/w1",
		Subject: "office/w1",
		Time:    time.Date(2026, 5, 1, 1, 30, 0, 0, time.UTC),
		Drill:   true,
		Attempt: 1,
		Text:    r.Texts,
		Data:    r.Data,
	}
}

// adjustedMessage is the second attempt of a real (non-drill) adjustment
// from Orange to Red, with its time in a non-UTC zone and no optional lists.
func adjustedMessage() Message {
	r, err := Warning("Adjusted", nil, WarningFacts{
		Namespace: "office", Name: "w2", Level: "Red", PreviousLevel: "Orange", Source: "National",
		StartTime: time.Date(2026, 6, 1, 23, 45, 0, 0, time.UTC), Scope: "Mail servers", Issuer: "National CERT",
	}, false)
	if err != nil {
		panic(err)
	}
	return Message{
		ID:      "w2-adjusted-3",
		Type:    EventType("Warning", "WarningAdjusted"),
		Source:  "/apis/emergency.netsec.io/v1alpha1/namespaces/office/warnings/w2",
		Subject: "office/w2",
		Time:    time.Date(2026, 6, 2, 10, 0, 0, 0, time.FixedZone("X", 2*3600)),
		Attempt: 2,
		Text:    r.Texts,
		Data:    r.Data,
	}
}

func TestEndpointFormattingHidesSecrets(t *testing.T) {
	ep := Endpoint{
		Type:          DingTalk,
		Address:       "https://oapi.dingtalk.com/robot/send?access_token=" + secretToken,
		SigningSecret: signingSecret,
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, arg := range []any{ep, &ep} {
			out := fmt.Sprintf(verb, arg)
			for _, bad := range []string{secretToken, signingSecret, "dingtalk.com", "access_token"} {
				if strings.Contains(out, bad) {
					t.Errorf("fmt %s of %T = %q reveals %q", verb, arg, out, bad)
				}
			}
		}
	}
}
