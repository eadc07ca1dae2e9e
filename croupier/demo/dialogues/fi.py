"""Demo conversations in Finnish. The first belongs to the demo page's logged-in player."""

from croupier.demo.dialogue import A, Dialogue, N, P
from croupier.demo.players import DEMO_PLAYERS
from croupier.models import Priority, Status

MIKKO = (DEMO_PLAYERS["nordic-spins"].id, DEMO_PLAYERS["nordic-spins"].name)

DIALOGUES = [
    Dialogue("nordic-spins", "fi", MIKKO, (
        P("Moi, tein kotiutuksen 350€ Trustlyllä eilen ja se on edelleen käsittelyssä. Yleensä rahat on tullut "
          "heti?"),
        A("aino", "Hei Mikko! Pahoittelut odotuksesta. Kotiutuksesi on tarkistuksessa, koska tilillesi tuli tällä "
                  "viikolla tavallista isompia talletuksia. Tarkistus valmistuu yleensä muutamassa tunnissa."),
        N("aino", "Deposits €1,900 this week against a usual €200: AML review, and check the RG markers too."),
        P("Okei, kiitos tiedosta"),
    ), hours_ago=14, status=Status.pending, team="Payments", tags=("withdrawal",), intent="withdrawal_status"),
    Dialogue("nordic-spins", "fi", None, (
        P("Hei! Paljonko tervetulobonuksen kierrätysvaatimus on ja lasketaanko live-pelit mukaan?"),
    ), hours_ago=0.4, tags=("bonus",)),
    Dialogue("nordic-spins", "fi", ("NS-32450", "Laura Nieminen"), (
        P("En pääse kirjautumaan, tili on kuulemma lukittu?? Laitoin salasanan väärin muutaman kerran"),
        A("aino", "Hei Laura! Tili lukittuu turvallisuussyistä 30 minuutiksi viiden väärän yrityksen jälkeen. Saat "
                  "sen auki heti \"Unohtuiko salasana?\" -linkin kautta. Älä koskaan lähetä salasanaasi chattiin."),
        P("Toimi, kiitos!"),
    ), hours_ago=31, status=Status.resolved, team="Security", tags=("account-locked",)),
    Dialogue("nordic-spins", "fi", ("NS-32981", "Juha Mäkinen"), (
        P("Haluaisin pelikiellon. Olen pelannut ihan liikaa ja rahat on loppu"),
        A("aino", "Kiitos, että kerroit, Juha. Asetan sinulle pelitauon heti: voit valita 1 kuukauden, 6 kuukautta "
                  "tai pysyvän sulun. Tauon aikana et voi tallettaa etkä pelata, etkä saa meiltä markkinointia. "
                  "Maksutonta apua saat myös Peluurista, puh. 0800 100 101."),
        N("aino", "Player in distress, asked for an exclusion. Deposits blocked now; call-back offered. RG team to "
                  "follow up."),
        P("6 kuukautta"),
    ), hours_ago=1, priority=Priority.high, team="Responsible gambling", tags=("rg", "self-exclusion")),
    Dialogue("nordic-spins", "fi", ("NS-33307", "Anna Virtanen"), (
        P("Mitä kelpaa osoitetodistukseksi? Mulla ei oo sähkölaskua omalla nimellä"),
        A("aino", "Hei Anna! Käy esimerkiksi tiliote, vuokrasopimus, Kelan päätös tai viranomaisen kirje, jossa "
                  "näkyvät nimesi ja osoitteesi. Asiakirja saa olla enintään 3 kuukautta vanha."),
        P("Okei, lähetän tiliotteen"),
    ), hours_ago=10, status=Status.pending, tags=("kyc",)),
    Dialogue("nordic-spins", "fi", None, (
        P("talletin 20e mobilepaylla mutta saldo on edelleen 0"),
        A("aino", "Hei! MobilePay-talletukset näkyvät yleensä heti. Voisitko kirjautua sisään, niin tarkistan asian "
                  "tililtäsi?"),
        P("nyt näkyy, sori!"),
        A("aino", "Ei haittaa, onnea peleihin!"),
    ), hours_ago=52, status=Status.closed, tags=("deposit",)),
    Dialogue("nordic-spins", "fi", ("NS-34020", "Ville Koskinen"), (
        P("Crazy Wheel jäätyi kesken kierroksen ja 50€ panos hävisi. Haluan rahat takaisin."),
        A("aino", "Pahoittelen tilannetta, Ville. Välitin kierroksen tiedot pelitoimittajalle tarkistettavaksi. Jos "
                  "kierros keskeytyi yhteysongelman takia, panos palautetaan pelisääntöjen mukaisesti. Palaan "
                  "asiaan 48 tunnin kuluessa."),
        N("aino", "Round CW-20931-771 at 20:02 UTC, sent to the provider."),
    ), hours_ago=3.5, priority=Priority.high, team="Complaints", tags=("complaint", "game-issue")),
    Dialogue("nordic-spins", "fi", ("NS-34588", "Sanna Laine"), (
        P("Hei, voisiko kotiutusrajaa nostaa? 5000€ viikossa on mulle liian pieni"),
        A("aino", "Hei Sanna! Platinum-tasolla voimme nostaa viikkorajan 15 000 euroon. Tein korotuksen, ja se on "
                  "voimassa heti."),
        P("Mahtavaa, kiitos!"),
    ), hours_ago=40, status=Status.resolved, team="VIP", tags=("vip",)),
    Dialogue("nordic-spins", "fi", None, (
        P("Onko teillä lisenssi? Ja mistä näkee pelien palautusprosentin?"),
        A("aino", "Hei! Nordic Spins toimii Viron vero- ja tullihallituksen (EMTA) lisenssillä, ja lisenssinumero "
                  "löytyy jokaisen sivun alalaidasta. Jokaisen pelin palautusprosentti (RTP) näkyy pelin "
                  "tietosivulla."),
    ), hours_ago=60, status=Status.resolved, tags=("licensing",)),
]
