"""Events from outside an instance: messages and signals correlated, timers falling due, the timer
worker, business calendars and the messages handlers send."""
