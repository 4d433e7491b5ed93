package shield

// trie is a list's numbers and prefixes by digit, so a look-up costs the
// length of the dialed number whatever the size of the list.
type trie struct {
	root trieNode
	size int
}

type trieNode struct {
	next  [10]*trieNode
	entry *ListEntry // an entry ends here
}

// add inserts an entry whose number is "+" and digits; others are ignored
// (the service stores nothing else).
func (t *trie) add(e *ListEntry) {
	n := &t.root
	for i := 1; i < len(e.Number); i++ {
		d := e.Number[i] - '0'
		if d > 9 {
			return
		}
		if n.next[d] == nil {
			n.next[d] = &trieNode{}
		}
		n = n.next[d]
	}
	if n.entry == nil {
		t.size++
	}
	n.entry = e
}

// longest returns the entry that is the longest prefix of number (E.164),
// or nil.
func (t *trie) longest(number string) *ListEntry {
	n := &t.root
	var found *ListEntry
	for i := 1; i < len(number); i++ {
		d := number[i] - '0'
		if d > 9 || n.next[d] == nil {
			break
		}
		n = n.next[d]
		if n.entry != nil {
			found = n.entry
		}
	}
	return found
}
