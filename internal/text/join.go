package text

import "strings"

// Join joins values of a string type (an API's enum, say) with sep.
func Join[S ~string](items []S, sep string) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = string(it)
	}
	return strings.Join(parts, sep)
}
