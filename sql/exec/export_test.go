package exec

// Knobs for the external tests of this package.
var (
	DisableSlicing       = &disableSlicing
	PunctuatedWatermarks = &punctuatedWatermarks
)
