// Package textisdata holds no code: its test renders hostile values a person
// might type through every renderer of the operator (the robot and
// CloudEvents bodies of internal/notify, the annex form of internal/form in
// Markdown and HTML, the plugin's timeline) and checks that each stays data:
// it adds no line, no drill marker, no message-id line, no heading, no
// Markdown structure and no HTML element, and can still be read. The rule
// itself is text.Inline's.
package textisdata
