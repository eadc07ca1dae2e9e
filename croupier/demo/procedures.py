"""The demo's macros (for every brand) and each brand's SOP playbooks, in the five languages; a brand gets
the languages it uses. Seeding again changes nothing: macros are looked up by shortcut, playbooks by intent."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from croupier.macro import repository as macros
from croupier.macro.schemas import MacroIn, MacroText
from croupier.macro.service import macro_service
from croupier.models import Brand
from croupier.playbook import repository as playbooks
from croupier.playbook.schemas import PlaybookIn, StepIn
from croupier.playbook.service import playbook_service

# shortcut: {locale: (title, body)}
MACROS: dict[str, dict[str, tuple[str, str]]] = {
    "hello": {
        "en": ("Greeting", "Hello {player_name:there}! Thank you for contacting {brand}. My name is {agent_name} and "
                           "I'm happy to help."),
        "ru": ("Приветствие", "Здравствуйте! Спасибо, что обратились в {brand}. Меня зовут {agent_name}, и я с "
                              "радостью вам помогу."),
        "pl": ("Powitanie", "Dzień dobry! Dziękujemy za kontakt z {brand}. Nazywam się {agent_name} i chętnie "
                            "pomogę."),
        "az": ("Salamlama", "Salam! {brand} ilə əlaqə saxladığınız üçün təşəkkür edirik. Mən {agent_name}, sizə "
                            "məmnuniyyətlə kömək edəcəyəm."),
        "fi": ("Tervehdys", "Hei! Kiitos, että otit yhteyttä {brand} -asiakaspalveluun. Nimeni on {agent_name}, ja "
                            "autan sinua mielelläni."),
    },
    "kyc": {
        "en": ("Documents for verification", "To verify your account, please upload a photo of your ID card or "
               "passport (both sides) and a proof of address not older than 3 months under Profile → Verification. "
               "We usually check documents within 24 hours."),
        "ru": ("Документы для верификации", "Чтобы подтвердить аккаунт, загрузите, пожалуйста, в разделе «Профиль → "
               "Верификация» фото паспорта или удостоверения личности (обе стороны) и документ, подтверждающий "
               "адрес, не старше 3 месяцев. Обычно мы проверяем документы в течение 24 часов."),
        "pl": ("Dokumenty do weryfikacji", "Aby zweryfikować konto, prosimy przesłać w zakładce Profil → "
               "Weryfikacja zdjęcie dowodu osobistego lub paszportu (obie strony) oraz potwierdzenie adresu nie "
               "starsze niż 3 miesiące. Dokumenty sprawdzamy zwykle w ciągu 24 godzin."),
        "az": ("Təsdiq üçün sənədlər", "Hesabınızı təsdiqləmək üçün, zəhmət olmasa, Profil → Təsdiq bölməsində "
               "şəxsiyyət vəsiqənizin və ya pasportunuzun (hər iki tərəfi) şəklini və son 3 ay ərzində verilmiş "
               "ünvanı təsdiq edən sənədi yükləyin. Sənədləri adətən 24 saat ərzində yoxlayırıq."),
        "fi": ("Tunnistautumisen asiakirjat", "Vahvista tilisi lataamalla kohdassa Profiili → Vahvistus kuva "
               "henkilökortistasi tai passistasi (molemmat puolet) sekä alle 3 kuukautta vanha osoitetodistus. "
               "Tarkistamme asiakirjat yleensä 24 tunnin kuluessa."),
    },
    "eta": {
        "en": ("Withdrawal on its way", "Good news: your withdrawal of {amount:EUR 250} has been approved and "
               "should reach you by {date:+3}. Bank transfers can take up to 3 business days."),
        "ru": ("Вывод средств в пути", "Хорошие новости: ваш вывод {amount:EUR 250} одобрен, деньги должны поступить "
               "до {date:+3}. Банковский перевод может занять до 3 рабочих дней."),
        "pl": ("Wypłata w drodze", "Dobra wiadomość: Twoja wypłata {amount:EUR 250} została zatwierdzona i powinna "
               "dotrzeć do {date:+3}. Przelew bankowy może potrwać do 3 dni roboczych."),
        "az": ("Ödəniş yoldadır", "Xoş xəbər: {amount:EUR 250} məbləğində çıxarışınız təsdiqləndi və {date:+3} "
               "tarixinədək hesabınıza daxil olmalıdır. Bank köçürmələri 3 iş gününədək çəkə bilər."),
        "fi": ("Kotiutus on matkalla", "Hyviä uutisia: {amount:EUR 250} kotiutuksesi on hyväksytty, ja rahojen "
               "pitäisi olla tililläsi viimeistään {date:+3}. Pankkisiirto voi kestää enintään 3 pankkipäivää."),
    },
    "limits": {
        "en": ("Deposit limits", "You can set daily, weekly or monthly deposit limits yourself under Profile → "
               "Responsible gambling. A lower limit applies at once, a higher one after 24 hours. If you would like "
               "a break, we can also start a cool-off period for you."),
        "ru": ("Лимиты депозитов", "Вы можете сами установить дневной, недельный или месячный лимит депозитов в "
               "разделе «Профиль → Ответственная игра». Уменьшение лимита действует сразу, увеличение — через 24 "
               "часа. Если вы хотите сделать перерыв, мы можем включить для вас период охлаждения."),
        "pl": ("Limity depozytów", "Dzienny, tygodniowy lub miesięczny limit depozytów ustawisz samodzielnie w "
               "zakładce Profil → Odpowiedzialna gra. Niższy limit obowiązuje od razu, wyższy po 24 godzinach. "
               "Jeśli chcesz zrobić przerwę, możemy też włączyć dla Ciebie okres ochłonięcia."),
        "az": ("Depozit limitləri", "Gündəlik, həftəlik və ya aylıq depozit limitlərini Profil → Məsuliyyətli oyun "
               "bölməsində özünüz təyin edə bilərsiniz. Aşağı limit dərhal, yüksək limit isə 24 saatdan sonra "
               "qüvvəyə minir. Fasilə vermək istəsəniz, sizin üçün fasilə müddətini də başlada bilərik."),
        "fi": ("Talletusrajat", "Voit asettaa päivä-, viikko- tai kuukausikohtaisen talletusrajan itse kohdassa "
               "Profiili → Vastuullinen pelaaminen. Pienempi raja tulee voimaan heti, suurempi 24 tunnin kuluttua. "
               "Jos haluat pitää tauon, voimme myös aloittaa sinulle pelitauon."),
    },
    "bye": {
        "en": ("Closing", "Is there anything else I can help you with? If not, I'll close this conversation. Thank "
                          "you for playing at {brand} and have a nice day!"),
        "ru": ("Завершение", "Могу ли я ещё чем-нибудь помочь? Если нет, я закрою этот диалог. Спасибо, что "
                             "играете в {brand}, хорошего дня!"),
        "pl": ("Zakończenie", "Czy mogę jeszcze w czymś pomóc? Jeśli nie, zamknę tę rozmowę. Dziękujemy za grę w "
                              "{brand} i życzymy miłego dnia!"),
        "az": ("Söhbətin sonu", "Sizə başqa nə ilə kömək edə bilərəm? Başqa sualınız yoxdursa, bu söhbəti "
                                "bağlayacağam. {brand} seçdiyiniz üçün təşəkkür edirik, gününüz xoş keçsin!"),
        "fi": ("Lopetus", "Voinko auttaa vielä jossakin muussa? Jos en, suljen tämän keskustelun. Kiitos, että "
                          "pelaat {brand} -kasinolla, ja mukavaa päivänjatkoa!"),
    },
}

# intent: ({locale: title}, [(mandatory, {locale: what to do}, {locale: how})])
Step = tuple[bool, dict[str, str], dict[str, str]]
PLAYBOOKS: dict[str, tuple[dict[str, str], list[Step]]] = {
    "withdrawal_status": ({"en": "Withdrawal delayed", "ru": "Задержка вывода средств", "pl": "Opóźniona wypłata",
                           "az": "Gecikən pul çıxarışı", "fi": "Viivästynyt kotiutus"}, [
        (True, {"en": "Verify the player's identity", "ru": "Проверьте личность игрока",
                "pl": "Zweryfikuj tożsamość gracza", "az": "Oyunçunun şəxsiyyətini təsdiqləyin",
                "fi": "Varmista pelaajan henkilöllisyys"},
         {"en": "Ask for the date of birth and the amount of the last deposit; never ask for a password or a card "
                "number.",
          "ru": "Спросите дату рождения и сумму последнего депозита; никогда не запрашивайте пароль или номер карты.",
          "pl": "Zapytaj o datę urodzenia i kwotę ostatniego depozytu; nigdy nie proś o hasło ani numer karty.",
          "az": "Doğum tarixini və son depozitin məbləğini soruşun; heç vaxt parol və ya kart nömrəsi istəməyin.",
          "fi": "Kysy syntymäaika ja viimeisimmän talletuksen summa; älä koskaan kysy salasanaa tai kortin "
                "numeroa."}),
        (True, {"en": "Check the KYC state", "ru": "Проверьте статус KYC", "pl": "Sprawdź status KYC",
                "az": "KYC statusunu yoxlayın", "fi": "Tarkista KYC-tila"},
         {"en": "A withdrawal waits while documents are missing or under review: then send /kyc.",
          "ru": "Вывод ждёт, пока документы отсутствуют или на проверке: в этом случае отправьте /kyc.",
          "pl": "Wypłata czeka, dopóki brakuje dokumentów lub trwa ich weryfikacja: wtedy wyślij /kyc.",
          "az": "Sənədlər çatışmırsa və ya yoxlanılırsa, çıxarış gözləyir: bu halda /kyc göndərin.",
          "fi": "Kotiutus odottaa, jos asiakirjoja puuttuu tai ne ovat tarkistettavana: lähetä silloin /kyc."}),
        (False, {"en": "Check the payment's state", "ru": "Проверьте статус платежа", "pl": "Sprawdź status płatności",
                 "az": "Ödənişin statusunu yoxlayın", "fi": "Tarkista maksun tila"}, {}),
        (False, {"en": "Give the ETA from the payment-methods table", "ru": "Назовите срок по таблице платёжных "
                 "методов", "pl": "Podaj termin z tabeli metod płatności", "az": "Ödəniş üsulları cədvəlinə əsasən "
                 "müddəti bildirin", "fi": "Kerro arvioitu aika maksutapataulukon mukaan"},
         {"en": "The transparency centre's payment methods page shows the measured processing time; /eta writes "
                "the date for the player.",
          "ru": "На странице платёжных методов в центре прозрачности указано фактическое время обработки; /eta "
                "сообщит игроку дату.",
          "pl": "Strona metod płatności w centrum przejrzystości podaje zmierzony czas realizacji; /eta poda "
                "graczowi datę.",
          "az": "Şəffaflıq mərkəzinin ödəniş üsulları səhifəsində ölçülmüş emal müddəti göstərilir; /eta oyunçuya "
                "tarixi yazacaq.",
          "fi": "Läpinäkyvyyskeskuksen maksutapasivulla näkyy mitattu käsittelyaika; /eta kertoo pelaajalle "
                "päivämäärän."}),
        (False, {"en": "Offer a follow-up", "ru": "Предложите связаться позже", "pl": "Zaproponuj kontakt zwrotny",
                 "az": "Sonradan əlaqə saxlamağı təklif edin", "fi": "Tarjoa yhteydenottoa myöhemmin"}, {}),
    ]),
    "account_security": ({"en": "Account security incident", "ru": "Инцидент безопасности аккаунта",
                          "pl": "Incydent bezpieczeństwa konta", "az": "Hesab təhlükəsizliyi insidenti",
                          "fi": "Tilin tietoturvaongelma"}, [
        (True, {"en": "Lock the account and end its sessions", "ru": "Заблокируйте аккаунт и завершите его сеансы",
                "pl": "Zablokuj konto i zakończ jego sesje", "az": "Hesabı bloklayın və bütün sessiyaları bitirin",
                "fi": "Lukitse tili ja päätä sen istunnot"}, {}),
        (True, {"en": "Verify identity before any account change", "ru": "Проверьте личность до любых изменений в "
                "аккаунте", "pl": "Zweryfikuj tożsamość przed jakąkolwiek zmianą konta", "az": "Hesabda hər hansı "
                "dəyişiklikdən əvvəl şəxsiyyəti təsdiqləyin", "fi": "Varmista henkilöllisyys ennen tilin muutoksia"},
         {}),
        (False, {"en": "Review the logins and transactions of the last 30 days", "ru": "Проверьте входы и "
                 "транзакции за последние 30 дней", "pl": "Przejrzyj logowania i transakcje z ostatnich 30 dni",
                 "az": "Son 30 günün girişlərini və əməliyyatlarını yoxlayın", "fi": "Käy läpi viimeisten 30 "
                 "päivän kirjautumiset ja tapahtumat"}, {}),
        (False, {"en": "Hand over to the Security team", "ru": "Передайте дело команде безопасности",
                 "pl": "Przekaż sprawę zespołowi bezpieczeństwa", "az": "İşi Təhlükəsizlik komandasına ötürün",
                 "fi": "Siirrä tapaus tietoturvatiimille"}, {}),
    ]),
    "responsible_gambling": ({"en": "Responsible gambling request", "ru": "Обращение об ответственной игре",
                              "pl": "Zgłoszenie dotyczące odpowiedzialnej gry", "az": "Məsuliyyətli oyun müraciəti",
                              "fi": "Vastuullisen pelaamisen pyyntö"}, [
        (True, {"en": "Stop all bonus offers to the player", "ru": "Отключите игроку все бонусные предложения",
                "pl": "Wyłącz graczowi wszystkie oferty bonusowe", "az": "Oyunçuya bütün bonus təkliflərini "
                "dayandırın", "fi": "Lopeta kaikki bonustarjoukset pelaajalle"}, {}),
        (True, {"en": "Apply the limit, cool-off or self-exclusion asked for", "ru": "Примените запрошенный лимит, "
                "перерыв или самоисключение", "pl": "Zastosuj wskazany limit, przerwę lub samowykluczenie",
                "az": "Tələb olunan limiti, fasiləni və ya özünüistisnanı tətbiq edin", "fi": "Ota käyttöön "
                "pyydetty raja, pelitauko tai itsensä poissulkeminen"}, {}),
        (False, {"en": "Share the helplines of the player's country", "ru": "Сообщите телефоны помощи в стране "
                 "игрока", "pl": "Podaj numery telefonów pomocowych w kraju gracza", "az": "Oyunçunun ölkəsindəki "
                 "yardım xətlərini bildirin", "fi": "Kerro pelaajan maan auttavat puhelimet"},
         {"en": "They are listed on the transparency centre's responsible gambling page.",
          "ru": "Они перечислены на странице об ответственной игре в центре прозрачности.",
          "pl": "Znajdziesz je na stronie o odpowiedzialnej grze w centrum przejrzystości.",
          "az": "Onlar şəffaflıq mərkəzinin məsuliyyətli oyun səhifəsində göstərilib.",
          "fi": "Ne on lueteltu läpinäkyvyyskeskuksen vastuullisen pelaamisen sivulla."}),
    ]),
}


def _in(texts: dict[str, str], brand: Brand) -> dict[str, str]:
    return {code: text for code, text in texts.items() if code in brand.locales}


async def seed_macros(session: AsyncSession) -> None:
    for shortcut, texts in MACROS.items():
        if await macros.by_shortcut(session, None, shortcut) is None:
            await macro_service.create(session, None, MacroIn(shortcut=shortcut, texts={
                code: MacroText(title=title, body=body) for code, (title, body) in texts.items()}))


async def seed_playbooks(session: AsyncSession, brand: Brand) -> None:
    for intent, (titles, steps) in PLAYBOOKS.items():
        if await playbooks.for_intent(session, brand.id, intent) is None:
            await playbook_service.create(session, None, PlaybookIn(
                brand_id=brand.id, intent=intent, titles=_in(titles, brand),
                steps=[StepIn(titles=_in(what, brand), help=_in(how, brand), mandatory=mandatory)
                       for mandatory, what, how in steps]))
