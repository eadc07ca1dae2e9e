"""Strony centrum przejrzystości po polsku. {brand}, {email} i {withdrawal_hours} uzupełnia się dla marki."""

TERMS_CHANGE = "Wypłaty realizujemy teraz w ciągu 48 godzin zamiast 72."

PAGES = {
    "licences": ("Licencje i regulatorzy", """
{brand} działa na podstawie licencji wymienionych powyżej. Przy każdym numerze licencji znajdziesz link
do publicznego rejestru regulatora, w którym możesz sam sprawdzić, czy licencja jest ważna i do kogo
należy.

Jeśli nie rozpatrzymy Twojej reklamacji w ciągu ośmiu tygodni, możesz bezpłatnie skierować ją do
zatwierdzonego przez regulatora podmiotu pozasądowego rozwiązywania sporów (ADR).
"""),
    "privacy": ("Polityka prywatności", """
## Jakie dane zbieramy

Imię i nazwisko, datę urodzenia, adres, e-mail i numer telefonu; dokumenty tożsamości do weryfikacji;
Twoje wpłaty, wypłaty i zakłady oraz dane o urządzeniu i połączeniu potrzebne naszym systemom
bezpieczeństwa.

## Po co

Aby prowadzić Twoje konto, wypełniać obowiązki prawne (weryfikacja wieku i tożsamości, przeciwdziałanie
praniu pieniędzy, odpowiedzialna gra) i chronić Twoje konto. Nigdy nie sprzedajemy Twoich danych.

## Twoje prawa

Możesz poprosić o kopię swoich danych, ich sprostowanie lub — jeśli pozwala na to prawo — usunięcie.
Napisz na adres {email}. Odpowiadamy w ciągu miesiąca.
"""),
    "terms": ("Regulamin", """
## Twoje konto

Musisz mieć ukończone 18 lat i możesz mieć tylko jedno konto. Dbaj o aktualność swoich danych: przed
pierwszą wypłatą weryfikujemy Twoją tożsamość.

## Wpłaty i wypłaty

W miarę możliwości wypłacamy środki tą samą metodą, którą wpłacałeś. Każdą wypłatę realizujemy w ciągu
{withdrawal_hours} godzin od zlecenia; zaksięgowanie jej przez bank lub portfel może potrwać dłużej.

## Zamknięcie konta

Konto możesz zamknąć w każdej chwili w ustawieniach lub pisząc na adres {email}. Pozostałe saldo
zostanie Ci wypłacone.
"""),
    "bonus-terms": ("Regulamin bonusów", """
- Bonus trzeba obrócić **30 razy** w ciągu **30 dni**, zanim będzie można go wypłacić.
- Maksymalny zakład przy aktywnym bonusie to **5 €** na spin lub rozdanie.
- Automaty liczą się do obrotu w 100%, gry stołowe w 10%, a gry na żywo w 0%.
- Z bonusu możesz zrezygnować w każdej chwili; Twoje własne wpłacone środki nigdy nie są blokowane.
- Nie oferujemy bonusów graczom, którzy ustawili limit lub wykluczyli się z gry.
"""),
    "game-rules": ("Zasady gier", """
Każda gra ma własne zasady i tabelę wypłat, dostępne pod przyciskiem „i” w grze, zanim zaczniesz grać.
Wyniki generuje certyfikowany generator liczb losowych, sprawdzony przez niezależne laboratorium.

W razie awarii gry wszystkie wygrane i rozgrywki są unieważniane, a stawka wraca na Twoje konto. Jeśli
uważasz, że runda została rozliczona błędnie, podaj nam nazwę gry i godzinę: sprawdzimy ją w logach
dostawcy.
"""),
    "player-guides": ("Poradniki dla graczy", """
## Pierwsze kroki

1. Zarejestruj się i potwierdź adres e-mail.
2. Ustaw limity wpłat przed pierwszą wpłatą: obniżyć je możesz w każdej chwili.
3. Zweryfikuj tożsamość wcześniej, aby pierwsza wypłata się nie opóźniła.

## Czym jest RTP

Wskaźnik zwrotu dla gracza (RTP) mówi, ile gra oddaje w ciągu milionów rund. RTP 96% **nie** oznacza,
że ze 100 € odzyskasz 96 €: w pojedynczej sesji może zdarzyć się wszystko.
"""),
    "security": ("Bezpieczeństwo", """
- Każde połączenie z {brand} jest szyfrowane protokołem **TLS 1.2 lub nowszym**.
- Chroń konto **weryfikacją dwuetapową** (2FA) w ustawieniach.
- Hasła przechowujemy wyłącznie jako solone skróty; nikt w {brand} nie może ich odczytać.
- Co roku nasze systemy audytuje niezależna firma zajmująca się bezpieczeństwem.

**Nigdy nie poprosimy o Twoje hasło, pełny numer karty ani jednorazowy kod** — ani e-mailem, ani na
czacie, ani telefonicznie, ani w mediach społecznościowych. Jeśli ktoś o to prosi, to nie my: zgłoś to na
adres {email}.
"""),
    "responsible-gambling": ("Odpowiedzialna gra", """
Hazard ma być rozrywką, a nie sposobem na zarabianie. W ustawieniach konta znajdziesz narzędzia:

- **Limity wpłat, strat i czasu sesji** — niższy limit obowiązuje od razu, wyższy po 24 godzinach.
- **Przypomnienia** o tym, jak długo już grasz.
- **Przerwę** od 24 godzin do 6 tygodni oraz **samowykluczenie** na 6 miesięcy lub dłużej.

Jeśli gra przestała sprawiać przyjemność, porozmawiaj z kimś. Powyższe telefony zaufania są bezpłatne i
poufne.
"""),
}
