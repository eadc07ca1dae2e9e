"""Demo conversations in Polish. The first two belong to the demo page's logged-in player."""

from croupier.demo.dialogue import A, Dialogue, N, P
from croupier.demo.players import DEMO_PLAYERS
from croupier.models import Priority, Status

ANNA = (DEMO_PLAYERS["lucky-star"].id, DEMO_PLAYERS["lucky-star"].name)

DIALOGUES = [
    Dialogue("lucky-star", "pl", ANNA, (
        P("Dzień dobry, wysłałam skan dowodu osobistego tydzień temu i dalej konto nie jest zweryfikowane. "
          "Ile to jeszcze potrwa?"),
        A("katarzyna", "Dzień dobry, Pani Anno! Przepraszam za opóźnienie. Skan jest nieczytelny w dolnej części, "
                       "nie widać daty ważności. Proszę przesłać zdjęcie obu stron dowodu w lepszej jakości."),
        P("Ok, wysłałam jeszcze raz"),
        A("katarzyna", "Dziękuję, dokumenty zostały zaakceptowane. Konto jest w pełni zweryfikowane."),
    ), hours_ago=190, status=Status.closed, tags=("kyc",)),
    Dialogue("lucky-star", "pl", ANNA, (
        P("Hej, zleciłam wypłatę 1200 zł na konto bankowe w piątek i dalej jest status „w trakcie”. Kiedy mogę się "
          "spodziewać pieniędzy?"),
        A("katarzyna", "Cześć Anno! Wypłata została zatwierdzona dziś rano. Przelewy bankowe docierają zwykle "
                       "w ciągu 1–3 dni roboczych, więc najpóźniej w środę pieniądze powinny być na koncie."),
        P("super, dzięki!"),
    ), hours_ago=22, status=Status.resolved, team="Payments", tags=("withdrawal",)),
    Dialogue("lucky-star", "pl", None, (
        P("dzien dobry, nie dostałem darmowych spinów za depozyt w poniedziałek, a w promocji pisało ze będą"),
        P("depozyt był 100 zł przez blika"),
    ), hours_ago=0.7, tags=("bonus",)),
    Dialogue("lucky-star", "pl", ("LS-21034", "Tomasz Lewandowski"), (
        P("Moje konto zostało zablokowane bez powodu. Mam tam 2300 zł. Co się dzieje???"),
        A("katarzyna", "Dzień dobry, Panie Tomaszu. Konto jest tymczasowo zablokowane, bo nasz system wykrył "
                       "logowania z dwóch różnych krajów w ciągu godziny. To standardowa ochrona. Aby je "
                       "odblokować, potrzebujemy potwierdzenia tożsamości: zdjęcia dowodu i selfie przesłanych "
                       "przez stronę weryfikacji."),
        N("katarzyna", "Logins from PL and UA within 50 minutes, probably a VPN. Security to review once the "
                       "documents are in."),
        P("używałem VPN w pracy, to dlatego. zaraz wyślę"),
    ), hours_ago=4, status=Status.pending, team="Security", tags=("account-locked",)),
    Dialogue("lucky-star", "pl", ("LS-21677", "Marta Dąbrowska"), (
        P("Chciałabym zablokować sobie konto na miesiąc. Da się?"),
        A("katarzyna", "Oczywiście, Pani Marto. Ustawiłam przerwę w grze na 30 dni: od teraz nie można grać ani "
                       "wpłacać środków, a po tym czasie konto odblokuje się samo. Jeśli potrzebuje Pani wsparcia, "
                       "bezpłatną pomoc oferuje telefon zaufania 801 889 880."),
        P("Dziękuję"),
    ), hours_ago=55, status=Status.resolved, team="Responsible gambling", tags=("rg", "cool-off")),
    Dialogue("lucky-star", "pl", ("LS-22190", "Piotr Wiśniewski"), (
        P("Składam oficjalną reklamację. Trzeci raz czekam na wypłatę ponad 5 dni, a na stronie piszecie 24h. "
          "To jest niepoważne."),
        A("katarzyna", "Panie Piotrze, przyjęłam reklamację, numer zgłoszenia C-2026-0193. Przekazuję ją do działu "
                       "reklamacji; odpowiedź otrzyma Pan najpóźniej w ciągu 14 dni, zwykle dużo szybciej. "
                       "Od razu sprawdzam też status bieżącej wypłaty."),
        N("katarzyna", "Three withdrawals over 5 days because of manual AML review (deposits from 4 different "
                       "cards). Complaints to answer; include the ADR information."),
    ), hours_ago=6, priority=Priority.high, team="Complaints", tags=("complaint", "withdrawal"),
       intent="withdrawal_status"),
    Dialogue("lucky-star", "pl", None, (
        P("jak działa kupno bonusu w Sweet Cascade? ile to kosztuje?"),
        A("katarzyna", "Cześć! W Sweet Cascade darmowe spiny można kupić za 100-krotność stawki. Przy aktywnym "
                       "bonusie kasynowym kupno jest niedostępne. RTP gry przy kupnie wynosi 96,5%."),
        P("ok dzieki"),
    ), hours_ago=33, status=Status.resolved, tags=("game-rules",)),
]
