package app

import "github.com/switchboardhq/switchboard/internal/bus"

// stoppers are the stop functions of a component's bus subscriptions.
type stoppers []func()

// subscribe subscribes handle to each subject — plain subscriptions, so
// every node hears every event — and undoes them all if one fails.
func (s *stoppers) subscribe(b *bus.Bus, handle func(subject string, data []byte), subjects ...string) error {
	for _, subject := range subjects {
		stop, err := b.Subscribe(subject, handle)
		if err != nil {
			s.stop()
			return err
		}
		*s = append(*s, stop)
	}
	return nil
}

// stop ends every subscription; safe to call twice.
func (s *stoppers) stop() {
	for _, f := range *s {
		f()
	}
	*s = nil
}
