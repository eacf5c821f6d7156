package feedback_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
)

func TestScrub(t *testing.T) {
	cases := []struct {
		in, want string
		n        int
	}{
		{"Hetuni on 131052-308T, korjatkaa", "Hetuni on [hetu], korjatkaa", 1},
		{"lapsen tunnus 010594Y9032 ja 010594Y9021", "lapsen tunnus [hetu] ja [hetu]", 2},
		{"vanha 010199+123Y", "vanha [hetu]", 1},
		{"pienellä 131052-308t", "pienellä [hetu]", 1},
		{"soita 040 123 4567 iltaisin", "soita [puhelin] iltaisin", 1},
		{"numero 0401234567.", "numero [puhelin].", 1},
		{"puh. 040-1234567", "puh. [puhelin]", 1},
		{"vaihde (09) 310 1691", "vaihde [puhelin]", 1},
		{"+358 40 123 4567 tai +358401234567", "[puhelin] tai [puhelin]", 2},
		{"ulkomailta 00358 40 123 4567", "ulkomailta [puhelin]", 1},
		{"Ruotsi +46 70 123 45 67", "Ruotsi [puhelin]", 1},
		{"maija.meikalainen@example.fi vastaa", "[sähköposti] vastaa", 1},
		{"Kirjoita: aino_k+palaute@posti.example.com.", "Kirjoita: [sähköposti].", 1},
		{"tilille FI21 1234 5600 0007 85 kiitos", "tilille [tilinumero] kiitos", 1},
		{"tili FI2112345600000785", "tili [tilinumero]", 1},
		{"DE89370400440532013000 saksasta", "[tilinumero] saksasta", 1},
		{"puh 040 123 4567 050 765 4321", "puh [puhelin] [puhelin]", 2},
		{"010 100 100 040 123 4567", "[puhelin] [puhelin]", 2},
		{"0123 4567 8901 2345 678", "[puhelin] 2345 678", 1},
	}
	for _, tc := range cases {
		t.Run("FB-2_"+tc.in, func(t *testing.T) {
			got, n := feedback.Scrub(tc.in)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.n, n)
		})
	}
}

// Ordinary feedback full of dates, times, amounts and numbers must come
// through untouched.
func TestScrubNoFalsePositives(t *testing.T) {
	sentences := []string{
		"Kävin toimistolla 12.3.2024 klo 14.30 ja jonotin 45 minuuttia.",
		"Aika oli 03.04.2025 kello 9:15, mutta pääsin vasta 10.05.",
		"Toimeentulotukea tuli 512,30 euroa, vuokra on 1 200 €.",
		"Sain päätöksen 14 päivässä, hakemus numero 2024-118.",
		"Asun osoitteessa Hämeenkatu 10 A 5, 33100 Tampere.",
		"Postinumero 00100 Helsinki ja 00980 Helsinki.",
		"Odotin 2 h 30 min, jonossa oli 17 ihmistä.",
		"Lääkkeet maksoivat 0,50 € ja 0,05 €.",
		"Vuosina 2019-2023 palvelu parani, 2024 huononi.",
		"Sain 3/5 tähteä arviossa, ja 10/10 suosittelisin.",
		"Puhelu kesti 0:45 ja toinen 01:20.",
		"Kelan päätös 12.01.2026 – haettu 1.12.2025.",
		"Ryhmässä oli 8–10 osallistujaa viikoittain.",
		"Hinta 1 000 000 euroa on liikaa.",
		"Asiakasnumero 12345678 ei toiminut.",
		"Bussi 3, 4 ja 0 kulkevat harvoin.",
		"Version 1.2.3 lomake kaatui.",
		"Olen syntynyt 1952 ja asunut täällä 40 vuotta.",
		"Klo 08-16 aukioloaika on hyvä.",
		"Jonotusnumero oli A123 ja B45.",
		"Työkokeilu kesti 01.02.-31.05.2025.",
		"Kokous pidetään 5.6. klo 13-15 huoneessa 0412.",
		"Hakemus 2025/00123 käsiteltiin nopeasti.",
		"Sain 30 € lahjakortin, koodi ABC-123.",
		"Ajoin 120 km/h ja matka kesti 0,75 h.",
		"Kirjoitin sähköpostia mutta en saanut vastausta.",
		"Tilinumeroni on pankissa, en muista sitä.",
		"Soitin monta kertaa, mutta kukaan ei vastannut.",
	}
	for _, s := range sentences {
		got, n := feedback.Scrub(s)
		assert.Equal(t, s, got, "FB-2: %q was changed", s)
		assert.Equal(t, 0, n)
	}
}

// validCode makes a random valid identity code.
func validCode(r *rand.Rand) string {
	const signs = "+-ABCDEFUVWXY"
	for {
		d, m, y := 1+r.IntN(28), 1+r.IntN(12), r.IntN(100)
		num := 2 + r.IntN(997)
		base := fmt.Sprintf("%02d%02d%02d", d, m, y)
		var n int
		fmt.Sscanf(base+fmt.Sprintf("%03d", num), "%d", &n)
		check := "0123456789ABCDEFHJKLMNPRSTUVWXY"[n%31]
		code := fmt.Sprintf("%s%c%03d%c", base, signs[r.IntN(len(signs))], num, check)
		if r.IntN(4) == 0 {
			code = strings.ToLower(code)
		}
		if feedback.ValidIdentityCode(code) {
			return code
		}
	}
}

// TestNoValidIdentityCodeSurvives puts valid codes at every position of
// realistic text, glued to letters, digits and punctuation, and checks
// that no valid code is left anywhere in the output.
func TestNoValidIdentityCodeSurvives(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	base := "Asia koskee tunnusta ja päätöstä 12.3.2024, soittakaa."
	for round := 0; round < 2000; round++ {
		code := validCode(r)
		pos := r.IntN(len(base) + 1)
		for !utf8.RuneStart(base[min(pos, len(base)-1)]) && pos < len(base) {
			pos++
		}
		text := base[:pos] + code + base[pos:]
		if r.IntN(3) == 0 {
			text = text + " " + validCode(r) + "x" + validCode(r)
		}
		got, n := feedback.Scrub(text)
		assert.GreaterOrEqual(t, n, 1, "FB-2: %q", text)
		assertNoCode(t, got)
	}
}

func assertNoCode(t *testing.T, s string) {
	t.Helper()
	for i := 0; i+11 <= len(s); i++ {
		if feedback.ValidIdentityCode(s[i : i+11]) {
			t.Fatalf("FB-2: a valid identity code survived in %q", s)
		}
	}
}

func TestValidIdentityCode(t *testing.T) {
	assert.True(t, feedback.ValidIdentityCode("131052-308T"))
	assert.True(t, feedback.ValidIdentityCode("010594Y9032"))
	assert.True(t, feedback.ValidIdentityCode("010594Y9021"))
	assert.True(t, feedback.ValidIdentityCode("020502E902X"))
	assert.False(t, feedback.ValidIdentityCode("131052-308U"), "wrong check character")
	assert.False(t, feedback.ValidIdentityCode("131052G308T"), "G is no century sign")
	assert.False(t, feedback.ValidIdentityCode("321052-308T"), "no 32nd day")
}

func FuzzScrub(f *testing.F) {
	for _, s := range []string{
		"131052-308T", "soita 040 123 4567", "+358 40 123 4567", "a@b.fi", "FI21 1234 5600 0007 85",
		"12.3.2024 klo 14.30", "(09) 310 1691", "0", "+", "(0", "@", "FI", "\xff\xfe", "aaa131052-308Tbbb",
		"010 100 100 0400 000 000 000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, n := feedback.Scrub(in)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", in)
		}
		if n < 0 {
			t.Fatal("negative count")
		}
		assertNoCode(t, out)
		if n == 0 && utf8.ValidString(in) && out != in {
			t.Fatalf("nothing redacted but text changed: %q → %q", in, out)
		}
		again, m := feedback.Scrub(out)
		if m != 0 || again != out {
			t.Fatalf("scrubbing twice found more in %q: %q", out, again)
		}
	})
}

// FuzzReceipt: typed codes never panic the parser; what it accepts is
// the 20 symbols of the alphabet, and a look-up of it is answered with
// not found, never anything else, on a store that issued no receipt.
func FuzzReceipt(f *testing.F) {
	for _, s := range []string{"K7QH-2MZC-9TXA-BRW4-HN3D", "k7qh 2mzc 9txa brw4 hn3d", "0000-1111", "", "ÄÄÄÄ-2222-2222-2222-2222", "2222222222222222222222"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		norm, err := feedback.NormalizeReceipt(code)
		if err != nil {
			if p.ErrorCode(err) != p.EINVALID {
				t.Fatalf("%q: %v", code, err)
			}
			return
		}
		if len(norm) != 20 || strings.Trim(norm, "23456789ABCDEFGHJKMNPQRSTVWXYZ") != "" {
			t.Fatalf("%q normalised to %q", code, norm)
		}
	})
}
