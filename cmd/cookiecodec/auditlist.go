package main

// builtinSecrets is audit's built-in list of publicly known or weak
// secrets: keys printed in framework documentation, tutorials, books and
// example apps (which end up in production when copied), framework
// defaults, and the placeholders and short words people type when a
// framework insists on a key. It is deliberately small (a few hundred
// HMACs per parameter set): it finds keys that anyone would try first,
// not random ones. Entry numbers in audit reports are 1-based positions in
// this list, so new entries are appended at the end.
var builtinSecrets = []string{
	// Flask documentation and tutorials.
	"dev",                   // Flask tutorial (flaskr): SECRET_KEY='dev'
	"_5#y2L\"F4Q8z\n\xec]/", // Flask quickstart: app.secret_key = b'_5#y2L"F4Q8z\n\xec]/'
	"192b9bdd22ab9ed4d12e236c78afcb9a393ec15f71bbf5dc987d54727823bcbf", // Flask quickstart: sample output of secrets.token_hex()
	"development key",                // Flask 0.x flaskr example
	"A0Zr98j/3yX R~XHH!jmN]LWX/,?RT", // Flask 0.x documentation example key
	"super secret key",               // Flask sessions snippet
	"secret key",
	"you-will-never-guess", // Flask Mega-Tutorial
	"hard to guess string", // "Flask Web Development" (book)
	"secret!",              // Flask-SocketIO examples
	"my_precious",          // Real Python Flask tutorials
	"this_is_bad_secret_key",
	"your secret key goes here",
	"your secret key",
	"your-secret-key",
	"your_secret_key",
	"your-secret-key-here",
	"change-this-secret-key",
	// Framework defaults shipped in configuration files.
	"\x02\x01thisismyscretkey\x01\x02\\e\\y\\y\\h", // Flask-AppBuilder / Apache Superset default
	"CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET",         // Apache Superset default
	"temporary_key",                                // Apache Airflow webserver default
	"keyboard cat",                                 // express-session documentation
	"not-so-secret",
	"notsecret",
	"not secret",
	"insecure",
	"flask-insecure",
	"django-insecure",
	// Placeholders and the usual weak words.
	"secret",
	"Secret",
	"SECRET",
	"secret_key",
	"secret-key",
	"secretkey",
	"SECRET_KEY",
	"SecretKey",
	"mysecret",
	"mysecretkey",
	"my-secret-key",
	"my_secret_key",
	"supersecret",
	"super-secret",
	"super_secret",
	"supersecretkey",
	"topsecret",
	"top secret",
	"s3cr3t",
	"s3cret",
	"changeme",
	"change-me",
	"change_me",
	"CHANGEME",
	"CHANGE_ME",
	"changeit",
	"changethis",
	"replaceme",
	"default",
	"development",
	"devkey",
	"dev-key",
	"dev_key",
	"devsecret",
	"test",
	"testing",
	"testkey",
	"test-secret",
	"key",
	"password",
	"passw0rd",
	"admin",
	"root",
	"flask",
	"flasksecret",
	"flask-secret",
	"session",
	"cookie",
	"cookie-session",
	"example",
	"foo",
	"bar",
	"foobar",
	"qwerty",
	"asdf",
	"abc123",
	"letmein",
	"123",
	"1234",
	"12345",
	"123456",
	"12345678",
	"123456789",
	"1234567890",
	"0",
	"1",
	"None",
	"null",
	"",
}
