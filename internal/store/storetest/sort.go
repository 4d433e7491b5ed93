package storetest

import (
	"slices"
	"strings"

	"github.com/switchboardhq/switchboard/internal/user"
)

func sorted(ids ...string) []string {
	slices.Sort(ids)
	return ids
}

func sortedSkills(s ...user.SkillLevel) []user.SkillLevel {
	slices.SortFunc(s, func(a, b user.SkillLevel) int { return strings.Compare(a.SkillID, b.SkillID) })
	return s
}
