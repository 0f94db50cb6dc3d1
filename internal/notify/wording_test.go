package notify

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const drillText = "【演练 DRILL】【黄色预警 Yellow warning】发布 Published\n" +
	"起始时间 Start：2026-05-01 09:00 (北京时间 UTC+8)\n" +
	"影响范围 Scope：Internet-facing VPN gateways\n" +
	"可能危害 Harm：Remote code execution\n" +
	"防范措施 Precautions：\n" +
	"1. Apply the vendor patch\n" +
	"2. Restrict management access\n" +
	"时限要求 Time limits：Within 24 hours\n" +
	"发布机关 Issuer：National CERT\n" +
	"咨询电话 Hotline：010-12345678"

const adjustedText = "【红色预警 Red warning】调整 Adjusted\n" +
	"原级别 Previous level：橙色预警 Orange warning\n" +
	"起始时间 Start：2026-06-02 07:45 (北京时间 UTC+8)\n" +
	"影响范围 Scope：Mail servers\n" +
	"发布机关 Issuer：Provincial CERT"

func TestText(t *testing.T) {
	cases := map[string]struct {
		msg  Message
		want string
	}{
		"drill publication": {msg: fixedMessage(), want: drillText},
		"adjustment":        {msg: adjustedMessage(), want: adjustedText},
		"lifted risk notice drill": {
			msg:  Message{Kind: "Lifted", Drill: true, Warning: WarningFacts{Level: "RiskNotice"}},
			want: "【演练 DRILL】【风险提示 Risk notice】解除 Lifted",
		},
		"reported upward, blank precautions skipped": {
			msg: Message{Kind: "ReportedUpward", Warning: WarningFacts{
				Level: "Blue", Precautions: []string{"", "Check logs", "  "},
			}},
			want: "【蓝色预警 Blue warning】上报 Reported upward\n防范措施 Precautions：\n1. Check logs",
		},
		"orange published": {
			msg:  Message{Kind: "Published", Warning: WarningFacts{Level: "Orange", Hotline: "12321"}},
			want: "【橙色预警 Orange warning】发布 Published\n咨询电话 Hotline：12321",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := Text(tc.msg)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Text mismatch (-want +got):\n%s", diff)
			}
			if starts := strings.HasPrefix(got, drillMarker); starts != tc.msg.Drill {
				t.Errorf("starts with drill marker = %v, want %v", starts, tc.msg.Drill)
			}
		})
	}
}
