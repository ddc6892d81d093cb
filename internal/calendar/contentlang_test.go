package calendar

import "testing"

func TestContentLang(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Offener Treff\nJeden ersten Mittwoch im Monat gibt es nachmittags einen Offenen Treff der Vereine und Initiativen aus der Stadt.", "de"},
		{"Open meeting\nEvery first Wednesday of the month there is an open meeting for the associations and initiatives of the city.", "en"},
		{"Beratung", "de"}, // too short to detect, Latin script: partners write German
		{"Консультация для беженцев\nКаждую среду мы отвечаем на вопросы о документах, работе и жилье в городе.", "ru"},
		{"استشارة", ""}, // too short, not Latin: unknown rather than wrong
		{"", ""},
	}
	for _, tt := range tests {
		if got := contentLang(tt.text); got != tt.want {
			t.Errorf("contentLang(%.30q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
