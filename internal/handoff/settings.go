package handoff

// Device setting keys (outbox.Store.Setting and SetSetting). The outbox
// stores each under "setting."+key in its config table.
const (
	// SettingSyncRequest holds the token of the latest "sync now" request,
	// written by the technician's sync tool.
	SettingSyncRequest = "sync.request"
	// SettingSyncHandled holds the token of the latest sync request syncd
	// acted on: an upload, a campaign pull and a heartbeat, all attempted.
	SettingSyncHandled = "sync.handled"
	// SettingEnrollRequest holds a pending enrolment request as JSON
	// (EnrollRequest), written by the kiosk's setup wizard. syncd clears
	// it before acting, so a crash cannot spend the one-time code twice.
	SettingEnrollRequest = "enroll.request"
	// SettingEnrollResult holds the outcome of the latest enrolment
	// request as JSON (EnrollOutcome), written by syncd.
	SettingEnrollResult = "enroll.result"
	// SettingFleet holds a full provisioning code of the central this
	// device's fleet enrolls with, spent or not: only its URL and trust
	// (fingerprint, TLS pin, insecure flag) are used, to resolve the
	// short codes the setup wizard then takes (protocol.ParseShortCode).
	// The kiosk writes it from --fleet and from each full code its wizard
	// enrolls with.
	SettingFleet = "enroll.fleet"

	// SettingProgress holds central's newest city-wide progress document
	// as JSON (StoredProgress): the signed bytes, the signature and the
	// ETag, written by syncd only after the signature verified and the
	// serial grew. The kiosk reads it with ReadProgress.
	SettingProgress = "progress.document"

	// SettingLang is the language each person starts in: "es" or "en".
	// The technician's settings tool writes it; the kiosk reads it at
	// start, and its --lang flag overrides it.
	SettingLang = "kiosk.lang"
	// SettingLargeText is "1" to start every session in large text.
	SettingLargeText = "kiosk.large_text"
	// SettingHighContrast is "1" to start every session in high contrast.
	SettingHighContrast = "kiosk.high_contrast"
	// SettingIdle is the Go duration without input before the kiosk asks
	// "are you still there?"; --idle overrides it.
	SettingIdle = "kiosk.idle"
	// SettingCountdown is the Go duration of that prompt's countdown
	// before everything is forgotten; --countdown overrides it.
	SettingCountdown = "kiosk.countdown"
	// SettingSpeechDir, when set, is a directory the kiosk writes its
	// spoken guidance to as WAV files instead of playing it: for checking
	// speech by hand on a device without a sound card. The files hold
	// what was said to a person (a name spelled), so the kiosk keeps only
	// the last few and removes them when the person leaves.
	SettingSpeechDir = "kiosk.speech_dir"

	// SettingTechPIN holds the technician PIN's argon2id hash in PHC
	// format (package pinguard); "" while none is set.
	SettingTechPIN = "tech.pin"
	// SettingTechPINFailures counts wrong technician PINs, as a decimal
	// integer. It is written before the slow hash runs, so killing the
	// kiosk mid-check buys no guess.
	SettingTechPINFailures = "tech.pin.failures"
	// SettingTechPINLockedUntil is the end of the current technician PIN
	// lockout, RFC 3339 with nanoseconds; "" when not locked.
	SettingTechPINLockedUntil = "tech.pin.locked_until"
	// SettingLastBundle records the last bundle the technician's export
	// tool wrote, as JSON (path, records, last_seq), so the wipe tool
	// knows which pending records are safe on a stick.
	SettingLastBundle = "tech.last_bundle"

	// SettingCanvassers holds the canvasser accounts as JSON: names and
	// argon2id hashes of their PINs, set up by the technician.
	SettingCanvassers = "canvass.accounts"
	// SettingCanvassLock counts wrong canvasser PINs across sign-in
	// screens, as "failures unix-nanoseconds" (the lockout's end), so
	// restarting the kiosk buys no guesses.
	SettingCanvassLock = "canvass.lock"
	// SettingCanvassSession is the Go duration a canvasser stays signed
	// in with the tablet untouched between attendees, warned a minute
	// before; "" takes the kiosk's default (10 minutes).
	SettingCanvassSession = "canvass.session"
	// SettingCanvassAssembly holds the impromptu assembly a canvasser
	// opened on this device and collects under, as JSON: its device-made
	// id, title, venue, alcaldía, start, the canvasser and the proposals
	// collected there. It exists nowhere else on the device until central
	// publishes it, so a restarted kiosk resumes it from here.
	SettingCanvassAssembly = "canvass.assembly"
)
