package v1alpha1

// Condition reasons of a HolidayCalendar.
const (
	// CalendarValidReason: every date and the time zone can be read.
	CalendarValidReason = "Valid"
	// CalendarInvalidReason: a date or the time zone cannot be read.
	CalendarInvalidReason = "Invalid"
)

// Condition types of a HolidayCalendar.
const (
	// CalendarComingYearCoveredCondition is False when this year, or from
	// November the next, has no official schedule in the calendar.
	CalendarComingYearCoveredCondition = "ComingYearCovered"
)

// More condition reasons of a HolidayCalendar.
const (
	// CalendarYearsCoveredReason: this year (and from November the next) is listed.
	CalendarYearsCoveredReason = "Covered"
	// CalendarCurrentYearMissingReason: this year has no official schedule.
	CalendarCurrentYearMissingReason = "CurrentYearMissing"
	// CalendarComingYearMissingReason: from November, next year has none.
	CalendarComingYearMissingReason = "ComingYearMissing"
)
