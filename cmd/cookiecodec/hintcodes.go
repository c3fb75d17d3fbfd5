package main

import (
	"fmt"
	"slices"
)

// hintCode is the stable code of a hint: the --json member "hint_codes"
// holds one per entry of "hints", in the same order, so that a script
// can branch on a diagnosis without reading prose. The codes are a
// stable interface, as the error kinds are: new codes may be added, and
// none changes meaning or goes away. Every code is listed in hintCodes
// and documented in the README ("Hint codes"); TestHintCodesDocumented
// checks that the two lists agree.
//
// hintCode is a struct, not a string type, so that no string (a format
// given where the code belongs) can pass for a code: the codes are only
// the variables below.
type hintCode struct{ name string }

// String returns the code as JSON and the README spell it.
func (c hintCode) String() string { return c.name }

// The hint codes, grouped as the README lists them.
var (
	// Keys and parameters: the signature matches once one thing changes.
	hintSaltMismatch          = hintCode{"salt_mismatch"}
	hintKeyDerivationMismatch = hintCode{"key_derivation_mismatch"}
	hintDigestMismatch        = hintCode{"digest_mismatch"}
	hintKeyTrailingNewline    = hintCode{"key_trailing_newline"}
	hintKeyWhitespace         = hintCode{"key_whitespace"}
	hintKeyBOM                = hintCode{"key_bom"}
	hintKeyPythonLiteral      = hintCode{"key_python_literal"}
	hintKeyOneLine            = hintCode{"key_one_line"}
	hintKeyOneWord            = hintCode{"key_one_word"}
	hintFallbackKey           = hintCode{"fallback_key"}
	hintFallbackFlagsIgnored  = hintCode{"fallback_flags_ignored"}
	hintUnknownKeyID          = hintCode{"unknown_key_id"}
	hintNameMismatch          = hintCode{"name_mismatch"}
	hintNoVariantMatched      = hintCode{"no_variant_matched"}
	hintWrongKeyOrAltered     = hintCode{"wrong_key_or_altered"}
	hintGorillaHashKey        = hintCode{"gorilla_hash_key"}
	hintGorillaBlockKey       = hintCode{"gorilla_block_key"}

	// Times.
	hintExpiredValidSignature = hintCode{"expired_valid_signature"}
	hintFutureValidSignature  = hintCode{"future_valid_signature"}
	hintLegacyTimestamp       = hintCode{"legacy_timestamp"}
	hintBadTimestamp          = hintCode{"bad_timestamp"}
	hintSetCookieLifetime     = hintCode{"set_cookie_lifetime"}
	hintUntimed               = hintCode{"untimed"}

	// The cookie's spelling.
	hintSignatureLength      = hintCode{"signature_length"}
	hintLenientBase64        = hintCode{"lenient_base64"}
	hintNoncanonical         = hintCode{"noncanonical_signature"}
	hintTruncated            = hintCode{"truncated"}
	hintBarePayload          = hintCode{"bare_payload"}
	hintURLEncoded           = hintCode{"url_encoded"}
	hintFormatMismatch       = hintCode{"format_mismatch"}
	hintCookieTooLarge       = hintCode{"cookie_too_large"}
	hintHeaderTooLarge       = hintCode{"header_too_large"}
	hintInputIsFile          = hintCode{"input_is_file"}
	hintHTTPOnly             = hintCode{"httponly"}
	hintPickName             = hintCode{"pick_name"}
	hintCheckURL             = hintCode{"check_url"}
	hintRequestCookieNotRead = hintCode{"request_cookie_not_read"}
	hintDuplicateCookies     = hintCode{"duplicate_cookies"}
	hintShadowedCookie       = hintCode{"shadowed_cookie"}
	hintLaterCookieValid     = hintCode{"later_cookie_valid"}
	hintDeletionOtherScope   = hintCode{"deletion_other_scope"}

	// Chunked native sessions.
	hintLoneChunk       = hintCode{"lone_chunk"}
	hintDuplicateChunks = hintCode{"duplicate_chunks"}
	hintChunksOtherJoin = hintCode{"chunks_other_join"}
	hintMixedChunks     = hintCode{"mixed_chunks"}
	hintTooManyChunks   = hintCode{"too_many_chunks"}

	// The payload.
	hintPayloadRefused       = hintCode{"payload_refused"}
	hintPayloadFlaskReads    = hintCode{"payload_flask_reads"}
	hintPayloadFlaskFails    = hintCode{"payload_flask_fails"}
	hintPayloadFlaskMay      = hintCode{"payload_flask_may"}
	hintPayloadNotDict       = hintCode{"payload_not_dict"}
	hintPayloadNeedsVerify   = hintCode{"payload_needs_verify"}
	hintGorillaEncrypted     = hintCode{"gorilla_encrypted"}
	hintGobAppType           = hintCode{"gob_app_type"}
	hintGorillaUnconvertible = hintCode{"gorilla_unconvertible"}
	hintNonFinite            = hintCode{"non_finite"}

	// sign.
	hintGoZlib           = hintCode{"go_zlib"}
	hintGorillaStampsNow = hintCode{"gorilla_stamps_now"}

	// audit.
	hintWeakSecret          = hintCode{"weak_secret"}
	hintRevealKeyFile       = hintCode{"reveal_key_file"}
	hintNonDefaultParams    = hintCode{"non_default_params"}
	hintDigestFromLength    = hintCode{"digest_from_length"}
	hintNoncanonicalAudited = hintCode{"noncanonical_audited"}
	hintWordlistSkipped     = hintCode{"wordlist_lines_skipped"}
	hintJWT                 = hintCode{"jwt"}

	// --url.
	hintProxyNotListening  = hintCode{"proxy_not_listening"}
	hintProxyAuth          = hintCode{"proxy_auth"}
	hintUntrustedCert      = hintCode{"untrusted_certificate"}
	hintClientCertRequired = hintCode{"client_cert_required"}
	hintClientCertRefused  = hintCode{"client_cert_refused"}
	hintSOCKSAuth          = hintCode{"socks_auth"}
	hintSOCKSUnreachable   = hintCode{"socks_unreachable"}
	hintSOCKSRuleset       = hintCode{"socks_ruleset"}

	// The command line.
	hintFlagSuggestion = hintCode{"flag_suggestion"}
	hintSeeHelp        = hintCode{"see_help"}
	hintUnknownCommand = hintCode{"unknown_command"}
)

// hintCodes lists every hint code, in the README's order.
var hintCodes = []hintCode{
	hintSaltMismatch, hintKeyDerivationMismatch, hintDigestMismatch,
	hintKeyTrailingNewline, hintKeyWhitespace, hintKeyBOM, hintKeyPythonLiteral,
	hintKeyOneLine, hintKeyOneWord, hintFallbackKey, hintFallbackFlagsIgnored,
	hintUnknownKeyID, hintNameMismatch, hintNoVariantMatched, hintWrongKeyOrAltered,
	hintGorillaHashKey, hintGorillaBlockKey,

	hintExpiredValidSignature, hintFutureValidSignature, hintLegacyTimestamp,
	hintBadTimestamp, hintSetCookieLifetime, hintUntimed,

	hintSignatureLength, hintLenientBase64, hintNoncanonical, hintTruncated,
	hintBarePayload, hintURLEncoded, hintFormatMismatch, hintCookieTooLarge,
	hintHeaderTooLarge, hintInputIsFile, hintHTTPOnly, hintPickName, hintCheckURL, hintRequestCookieNotRead,
	hintDuplicateCookies, hintShadowedCookie, hintLaterCookieValid, hintDeletionOtherScope,

	hintLoneChunk, hintDuplicateChunks, hintChunksOtherJoin, hintMixedChunks, hintTooManyChunks,

	hintPayloadRefused, hintPayloadFlaskReads, hintPayloadFlaskFails, hintPayloadFlaskMay,
	hintPayloadNotDict, hintPayloadNeedsVerify, hintGorillaEncrypted, hintGobAppType,
	hintGorillaUnconvertible, hintNonFinite,

	hintGoZlib, hintGorillaStampsNow,

	hintWeakSecret, hintRevealKeyFile, hintNonDefaultParams, hintDigestFromLength,
	hintNoncanonicalAudited, hintWordlistSkipped, hintJWT,

	hintProxyNotListening, hintProxyAuth, hintUntrustedCert, hintClientCertRequired,
	hintClientCertRefused, hintSOCKSAuth, hintSOCKSUnreachable, hintSOCKSRuleset,

	hintFlagSuggestion, hintSeeHelp, hintUnknownCommand,
}

// hint is one piece of advice for the user: its text and its code. The
// zero hint (no text) is none.
type hint struct {
	code hintCode
	text string
}

// newHint makes a hint of code from a format and its arguments.
func newHint(code hintCode, format string, a ...any) hint {
	return hint{code: code, text: fmt.Sprintf(format, a...)}
}

// hintList is embedded in the --json object types: the hints, and their
// codes, one per hint, in the same order. Hints are added only with
// hint and add, which take a code (TestHintsOnlyWithCodes checks that no
// other code assigns these members).
type hintList struct {
	Hints     []string `json:"hints"`
	HintCodes []string `json:"hint_codes"`
}

// hint adds a hint of code, once (a repeated text is dropped), with the
// library's package prefixes left out of its text (see userText).
func (l *hintList) hint(code hintCode, format string, a ...any) {
	l.add(newHint(code, format, a...))
}

// add adds h, once; the zero hint is ignored.
func (l *hintList) add(h hint) {
	if h.text == "" {
		return
	}
	text := userText(h.text)
	if slices.Contains(l.Hints, text) {
		return
	}
	l.Hints = append(l.Hints, text)
	l.HintCodes = append(l.HintCodes, h.code.name)
}

// nonNil makes both members empty arrays, not null, in JSON.
func (l *hintList) nonNil() {
	if l.Hints == nil {
		l.Hints, l.HintCodes = []string{}, []string{}
	}
}

// clip returns a copy of l that can grow without changing l's arrays.
func (l hintList) clip() hintList {
	return hintList{slices.Clip(l.Hints), slices.Clip(l.HintCodes)}
}

// noHints is an empty hintList whose members are empty arrays in JSON.
func noHints() hintList {
	return hintList{Hints: []string{}, HintCodes: []string{}}
}
