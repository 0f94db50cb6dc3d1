package v1alpha1

// Condition reasons of a HolidayCalendar.
const (
	// CalendarValidReason: every date and the time zone can be read.
	CalendarValidReason = "Valid"
	// CalendarInvalidReason: a date or the time zone cannot be read.
	CalendarInvalidReason = "Invalid"
)
