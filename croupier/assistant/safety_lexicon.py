"""The words safety.py looks for, per language, as regular expressions.

Written in the languages' own spelling; safety.py folds them (and the text they are matched against) to
lower case without diacritics, dotless i or ł, so "hasło", "haslo" and "HASŁO" are one word, and so are
"şifrə" and "sifre". Only lower-case regex escapes (\\b \\w \\d \\s) may be used: the folding lower-cases.
A pattern of a secret or a money object may end in \\w* to take every inflection of its stem.
"""

from __future__ import annotations

# The secrets a reply must never ask for, by reason suffix (safety.py reports "asks_<kind>"/"repeats_<kind>").
SECRETS: dict[str, list[str]] = {
    "password": [
        r"\bpa?s+w(or)?r?d\w*", r"\bpassw\w*", r"\bpasscode\w*", r"\blog-?in (details|credentials)", r"\bcredentials\b",
        r"\bп[ао]рол\w*",
        r"\bhas[lł]\w*",
        r"\bşifr\w*", r"\bparol\w*",
        r"\bsala?sana\w*",
    ],
    "card_number": [
        r"\bcard ?(number|no\b|num\b|details|digits)\w*", r"\b(full|complete|whole|entire|long) (card|card number)\b",
        r"\b(digits|numbers?) (on|of|from) (the front of )?(your|the) (bank )?card", r"\b1[56][ -]?digits?\b",
        r"\b(номер|данн|реквизит|цифр)\w* (\w+ )?карт\w*", r"\b(16|шестнадцат\w*)[ -]?(значн\w* )?цифр\w*",
        r"\b(numer|dan|cyfr)\w* (\w+ )?kart\w*", r"\b16[ -]?cyfr\w*",
        r"\bkart\w* (\w+ )?(nömr|nomr|məlumat|rəqəm|rekvizit)\w*", r"\b16[ -]?rəqəm\w*",
        r"\bkort\w*(numer|tiedo|tiedot|tieto)\w*", r"\bkort(in|tisi|tinne|tin)? (numero|tiedo|tiedot|tieto)\w*",
        r"\b16[ -]?numero\w*",
    ],
    "cvv": [
        r"\bcvv2?\b", r"\bcvc2?\b", r"\bcv2\b", r"\bsecurity code\b", r"\b(3|three)[ -]digit (security )?(code|number)",
        r"\bcard verification\b",
        r"\bкод\w* безопасност\w*", r"\b(три|3) цифр\w* (\w+ )?(на обороте|сзади|на обратной|с обратной)",
        r"\bтр(е|ё)хзначн\w* код\w*",
        r"\bkod\w* (bezpieczeństwa|zabezpieczając\w*|cvv|cvc)", r"\b(trzy|3) cyfr\w* (z tyłu|na odwrocie|na rewersie)",
        r"\btrzycyfrow\w* kod\w*",
        r"\btəhlükəsizlik kod\w*", r"\b(arxa\w*|arxasındakı) (3|üç) rəqəm\w*", r"\b(3|üç) rəqəmli kod\w*",
        r"\bturvakoodi\w*", r"\btarkist(us|e)(numero|koodi)\w*", r"\bkolminumeroi\w*",
    ],
    "code": [
        r"\b(one[ -]?time|sms|text|2fa|two[ -]?factor|verification|confirmation|authentication|authenticator|login"
        r"|otp|access|6[ -]digit|six[ -]digit) (pass)?code\w*",
        r"\botp\b", r"\bcode (from|in) (the |your )?(sms|text|app|authenticator|email|message)",
        r"\bcode (that )?(you|we) (just )?(received|got|sent|texted)",
        r"\bкод\w* (из|с|в) (смс|sms|сообщени|приложени|письм)\w*", r"\bкод\w* (подтвержд|аутентифика|авторизац"
        r"|верифика|доступа|входа|2fa)\w*", r"\b(одноразов|проверочн|смс|sms|2fa|двухфакторн|секретн)\w* код\w*",
        r"\bкод\w*,? котор\w* (вы |мы |вам )*(получил|пришел|пришёл|пришл|отправил|прислал)\w*",
        r"\bkod\w* (z )?(sms|esemes|smsa|aplikacji|maila|e-maila|wiadomości)\w*",
        r"\bkod\w* (jednorazow|weryfikacyjn|potwierdzając|autoryzacyjn|uwierzytelniając|2fa|dostępu|logowania)\w*",
        r"\b(jednorazow|weryfikacyjn|autoryzacyjn|smsow)\w* kod\w*",
        r"\bkod\w*,? (który|którego|ktory|ktorego) (pan |pani )?(otrzymał|dostał|wysłaliśmy|przyszedł)\w*",
        r"\b(sms|birdəfəlik|təsdiq|təsdiqləmə|doğrulama|yoxlama|2fa|otp|giriş)\w* ?kod\w*",
        r"\b(göndərdiyimiz|aldığınız|gələn) (\w+ )?kod\w*",
        r"\w*(vahvistus|tekstiviesti|kertakäyttö|varmennus|tunnistautumis|tunnistus|sms-?|2fa-?|kirjautumis)koodi\w*",
        r"\bkoodi\w*,? (jonka|minkä) (sait|saat|saitte|lähetimme|lähetettiin)\w*", r"\bsaama\w* koodi\w*",
    ],
    "pin": [
        r"\bpin(-? ?(code|number|kod\w*|koodi\w*|luku\w*)|u|em|ie|iniz|inizi)?\b", r"\bпин\w*", r"\btunnuslu(ku|vu)\w*",
    ],
}

# Asking: what a reply says when it wants something from the player (imperatives, "we need", "what is your").
# "Enter"/"type" alone is no request (players enter their password on the site), only into this chat.
REQUESTS: list[str] = [
    r"\b(send|give|tell|provide|share|write|post|dictate|forward|reply with|respond with|read (it |them )?(out|back|to me"
    r"|to us))\b", r"\bwhat('s| is| are) (your|the)\b", r"\bwhats your\b", r"\b(may|can|could) (i|we) (have|get|see)\b",
    r"\blet (me|us) know\b", r"\b(i|we)('ll| will| would| do| also| still)? (need|require)\b",
    r"\b(i|we)('ll| will| must| may| have to| need to)? ask( you)? for\b", r"\bconfirm (your|the|us|me)\b",
    r"\b(type|enter|paste) (it |them |(your |the )?(\w+ ){0,3})?(here|below|in (the |this )?(chat|reply|message))\b",
    r"\b(присл(ать|ите|и)|пришл(ите|и)|отправ(ь|ьте|ить)|перешл(ите|и)|переслать|сообщ(ите|и|ить)|назов(ите|и)|назвать"
    r"|скаж(ите|и)|сказать|напиш(ите|и)|написать|укаж(ите|и)|указать|продикту(йте|й)|продиктовать|предостав(ьте|ь"
    r"|ить)|подел(итесь|ись|иться)|подтверд(ите|и|ить)|дайте|дай|дать|попрос(им|ить|ил))\b",
    r"\b(введите|вставьте|наберите) (его |их )?(здесь|сюда|в чат\w*|ниже|в ответ\w*)",
    r"\b(нам|мне) (\w+ )?(нуж\w+|необходим\w*|требуется)", r"\bкак(ой|ая|ое|ие|ов) (у вас|у тебя|ваш|твой|ваша|твоя)\b",
    r"\b(podaj(cie)?|podać|podanie|proszę o|prosimy o|wyślij(cie)?|wysłać|wysłanie|prześlij(cie)?|przesłać|przesłanie"
    r"|napisz(cie)?|napisać|potwierdź(cie)?|potwierdzić|udostępnij(cie)?|udostępnić|przekaż(cie)?|przekazać"
    r"|przekazanie|powiedz(cie)?|powiedzieć|podyktuj|zdradź|poprosi(my|ć|łbym|łabym)?)\b",
    r"\bwpisz(cie)? (je |go |ją )?(tutaj|tu|w czacie|poniżej|w odpowiedzi)", r"\bjak(i|ie|a) (jest )?(twój|twoje|twoja|pana"
    r"|pani)\b", r"\bpotrzebuj(emy|ę)\b", r"\bpotrzebn\w* (jest )?nam\b",
    r"\b(göndər(in|iniz|əsiniz)?|yaz(ın|ınız|asınız)|deyin|söyləyin|bildir(in|əsiniz)|təqdim ed(in|əsiniz)"
    r"|paylaş(ın|asınız)|təsdiqlə(yin)?|ver(in|əsiniz)|xahiş edirik)\b",
    r"\bdaxil edin (bura|buraya|çata|çatda|cavabda)", r"\w+(niz|nız|nuz|nüz)(in|ın|un|ün)? (nədir|hansıdır)\b",
    r"\b(bizə|mənə) (\w+ )?lazım\w*",
    r"\b(lähetä|lähettäkää|lähettää|lähetätkö|kerro|kertokaa|kertoa|kerrotko|anna|antakaa|antaa|annatko|ilmoita"
    r"|ilmoittakaa|ilmoittaa|kirjoita|kirjoittakaa|kirjoittaa|vahvista|vahvistakaa|jaa|jakakaa|jakaa|sanele"
    r"|tarvitsemme|tarvitsen|pyydämme|pyydän|pyydetään|voisitko)\b",
    r"\bsyötä (se |ne )?(tähän|alle|chattiin|keskusteluun|vastaukseen)", r"\bmikä on \w+(si|nne)\b",
]

# Negation and warnings: a request or promise in a comma-separated stretch holding one of these is a warning
# ("we will never ask for your password", "no win is guaranteed", "only scammers ask for codes").
NEGATIONS: list[str] = [
    r"\bno\b(?!\s*[,.!])", r"\b(never|not|don't|dont|won't|wont|cannot|can't|cant|nobody|no one|noone|nothing|neither|nor|unable"
    r"|avoid|refrain|beware|ignore)\b", r"n't\b", r"\b(scam|scammer|fraud|fraudster|phishing)\w*",
    r"\b(не|ни|никогда|никому|никто|нельзя|нет|ничего|ничей|ниче|ни в коем)\b", r"\b(мошенни|афер|фишинг)\w*",
    r"\b(nie|nigdy|nikomu|nikt|niczego|żadn\w*|żaden|nigdzie|unikaj)\b", r"\b(oszu|wyłudz|phishing)\w*",
    r"\b(heç|yox|yoxdur|deyil|olmaz|qadağandır)\b", r"\b(fırıldaq|dələduz)\w*",
    r"\w+(ma|mə)(yın|yin|yacaq|yəcək)\w*", r"\w+(madı|mədi)(q|k|nız|niz)?\b", r"\w+(maz|məz)\b",
    r"\w+m(ır|ir|ur|ür)(ıq|ik|uq|ük|sınız|siniz)\b", r"\w+m(ə|a)r(ik|iq|əm|am)\b",
    r"\b(älä|älkää|ei|emme|en|et|eivät|ette|koskaan|ikinä|kenellekään|kukaan|mitään)\b", r"\b(huija|kalastel)\w*",
]

# A condition ("if someone asks for your password, ...") neither requests nor is negated: its comma-
# separated stretch is left out before looking for requests and negations.
CONDITIONS: list[str] = [r"\b(if|unless|when|если|когда|jeśli|jeżeli|gdy|kiedy|əgər|eger|jos|kun)\b"]

# Money a reply may not promise. Promises to pay, or "you will get" + money, or a guaranteed win.
_MONEY = (r"(?:(refund|money|bonus|cashback|compensation|winnings|free spins?|payout|jackpot|deposit back|stake back"
          r"|возврат|деньг|бонус|компенсац|выигрыш|фриспин|кэшбэк|кешбэк|выплат"
          r"|zwrot|pieniądz|pieniędz|bonus|rekompensat|wygran|darmow\w* spin|cashback"
          r"|bonus|pul|kompensasiya|uduş|pulsuz fırlanma|keşbek|geri ödəniş"
          r"|bonu|raha|hyvity|korvau|voit|ilmaiskierr|cashback)\w*|[€$£₽₼]\s?\d|\d+\s?(eur|usd|€|\$|zł|pln|rub|azn|₼|₽))")
PROMISES: list[str] = [
    r"\b(we|i)('ll| will| shall|'re going to| are going to|'m going to| am going to) (\w+ ){0,2}(refund|reimburse"
    r"|compensate|credit|pay you|pay back)\w*",
    rf"\b(we|i)('ll| will| shall|'re going to| are going to|'m going to| am going to) (\w+ ){{0,2}}(give|send|add|transfer"
    rf"|return|pay|credit|top up)( you| your account)?( back)? (\w+ ){{0,2}}{_MONEY}",
    rf"\byou('ll| will|'re going to| are going to)( definitely| certainly| surely| also)? (get|receive|be given|be paid"
    rf"|win)( back)? (\w+ ){{0,2}}{_MONEY}",
    r"\byou('ll| will|'re going to| are going to)( definitely| certainly| surely| also)? (be refunded|be compensated"
    r"|be credited|be reimbursed|win)\b", r"\bguarantee\w* (\w+ ){0,3}(win|payout|profit|return|jackpot|refund"
    r"|bonus|money)\w*", r"\b(win|wins|winnings|payout|payouts|profit|refund)( is| are| will be)? guaranteed\b",
    r"\b100 ?% (win|payout|chance of winning)", r"\byour (money|deposit|stake|funds|bet) will be (returned|refunded"
    r"|credited|paid back)\b",
    r"\b(вернем|вернём|возвратим|возместим|компенсируем|начислим|зачислим|выплатим|верну|возмещу|начислю|зачислю"
    r"|выплачу)\b", rf"\b(переведем|переведём|перечислим|добавим|дадим|отправим|подарим|отдадим) (вам |тебе )?(\w+ )?"
    rf"{_MONEY}", rf"\b(получите|получишь) (\w+ ){{0,2}}{_MONEY}",
    r"\b(вам|тебе) (\w+ )?(вернут|возместят|компенсируют|начислят|зачислят|выплатят)\b",
    r"\b(вы|ты) (\w+ )?(выиграете|выиграешь)\b", rf"\bгарантир\w* (\w+ ){{0,2}}({_MONEY}|победу|прибыль|доход)",
    r"\b(выигрыш|выплата|возврат|победа)\w* (\w+ )?гарантир\w*",
    r"\b(деньги|средства|ставка|депозит) (\w+ )?(будут |будет )(возвращен|зачислен|компенсирован)\w*",
    r"\b(zwrócimy|oddamy|zrekompensujemy|wypłacimy|doładujemy|zwrócę|oddam|wypłacę)\b",
    rf"\b(przelejemy|dodamy|przyznamy|dopiszemy|naliczymy|zaksięgujemy|przekażemy) (\w+ ){{0,2}}{_MONEY}",
    rf"\b(otrzymasz|dostaniesz|otrzyma pan|otrzyma pani|otrzymacie|dostanie pan|dostanie pani|dostaniecie)"
    rf" (\w+ ){{0,2}}{_MONEY}", r"\bwygrasz\b",
    r"\b(pieniądze|środki|depozyt|stawka|bonus)\w* (\w+ )?(zostaną|zostanie|będą|będzie) (\w+ )?(zwrócon|oddan"
    r"|zaksięgowan|wypłacon)\w*",
    rf"\bgwarant\w* (\w+ ){{0,2}}{_MONEY}", rf"{_MONEY} (\w+ )?(jest |są )?gwarantowan\w*",
    r"\b(qaytaracağıq|qaytaracayıq|qaytaracam|kompensasiya edəcəyik|ödəyəcəyik|ödəyəcəm)\b",
    rf"{_MONEY} (\w+ ){{0,2}}(köçürəcəyik|yatıracağıq|əlavə edəcəyik|verəcəyik|alacaqsınız|alacaqsan|qaytarılacaq"
    rf"|veriləcək|ödəniləcək|ödənəcək|köçürüləcək)", rf"\b(alacaqsınız|alacaqsan) (\w+ ){{0,2}}{_MONEY}",
    r"\b(qazanacaqsınız|qazanacaqsan|udacaqsınız|udacaqsan)\b", rf"\bzəmanət\w* (\w+ ){{0,2}}({_MONEY}|qazanc|qələbə)",
    rf"({_MONEY}|qazanc|qələbə)\w* (\w+ )?zəmanət\w*",
    r"\b(hyvitämme|palautamme|korvaamme|maksamme|hyvitän|palautan|korvaan)\b",
    rf"\b(lisäämme|siirrämme|annamme|lähetämme|talletamme) (\w+ ){{0,2}}{_MONEY}",
    rf"\b(saat|saatte|tulet saamaan|tulette saamaan) (\w+ ){{0,2}}{_MONEY}",
    r"\b(varmasti voitat|voitat varmasti|voitatte varmasti)\b",
    rf"\b(taattu|taatun|taattua|taatut|takaamme|taataan)\w* (\w+ )?({_MONEY}|tuot)",
    rf"{_MONEY} (\w+ )?(on |ovat )?taattu\w*",
    r"\b(rahasi|rahat|talletuksesi|panoksesi)\w* (\w+ )?(palautetaan|hyvitetään|maksetaan)\b",
]

# Words after "password is" that describe the password instead of being it: left unmasked by redact().
NOT_A_PASSWORD: frozenset[str] = frozenset(
    "not wrong incorrect invalid correct right expired blocked locked forgotten lost too still very the a my "
    "changed reset weak strong "
    "не неверный неправильный верный правильный неверен не подходит сброшен заблокирован "
    "nie błędne złe niepoprawne poprawne prawidłowe nieprawidłowe zablokowane "
    "yanlış səhv düzgün düz bloklanıb "
    "ei väärä oikea vanhentunut lukittu".split())
