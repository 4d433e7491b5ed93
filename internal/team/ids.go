package team

import "slices"

func dedupeSorted(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

func equal(a, b []string) bool { return slices.Equal(a, dedupeSorted(b)) }
