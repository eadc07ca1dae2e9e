"""Şəffaflıq mərkəzinin Azərbaycan dilində səhifələri. {brand}, {email} və {withdrawal_hours} brendə görə doldurulur."""

TERMS_CHANGE = "Pul çıxarışları indi 72 saat əvəzinə 48 saat ərzində emal olunur."

PAGES = {
    "licences": ("Lisenziyalar və tənzimləyicilər", """
{brand} yuxarıda göstərilən lisenziyalar əsasında fəaliyyət göstərir. Hər lisenziya nömrəsinin yanında
tənzimləyicinin açıq reyestrinə keçid var: lisenziyanın qüvvədə olduğunu və kimə verildiyini özünüz
yoxlaya bilərsiniz.

Şikayətinizi səkkiz həftə ərzində həll etməsək, onu pulsuz olaraq tənzimləyicinin təsdiq etdiyi
alternativ mübahisə həlli (ADR) xidmətinə göndərə bilərsiniz.
"""),
    "privacy": ("Məxfilik siyasəti", """
## Hansı məlumatları toplayırıq

Adınız, doğum tarixiniz, ünvanınız, e-poçtunuz və telefon nömrəniz; yoxlama üçün şəxsiyyət sənədləri;
depozitləriniz, pul çıxarışlarınız və mərcləriniz, həmçinin təhlükəsizlik sistemlərimizə lazım olan
cihaz və bağlantı məlumatları.

## Nə üçün

Hesabınızı idarə etmək, qanuni öhdəliklərimizi yerinə yetirmək (yaş və şəxsiyyətin yoxlanması,
çirkli pulların yuyulmasına qarşı mübarizə, məsuliyyətli oyun) və hesabınızı qorumaq üçün. Məlumatlarınızı
heç vaxt satmırıq.

## Hüquqlarınız

Məlumatlarınızın surətini istəyə, onların düzəldilməsini və ya qanunun icazə verdiyi hallarda
silinməsini tələb edə bilərsiniz. {email} ünvanına yazın. Bir ay ərzində cavab veririk.
"""),
    "terms": ("Qaydalar və şərtlər", """
## Hesabınız

Ən azı 18 yaşınız olmalıdır və yalnız bir hesabınız ola bilər. Məlumatlarınızı aktual saxlayın: ilk pul
çıxarışından əvvəl şəxsiyyətinizi yoxlayırıq.

## Depozitlər və pul çıxarışları

Mümkün olduqda ödənişlər depozit etdiyiniz üsulla qaytarılır. Hər pul çıxarışını sorğunuzdan sonra
{withdrawal_hours} saat ərzində emal edirik; bankınızın və ya pul kisənizin vəsaiti köçürməsi daha çox
vaxt apara bilər.

## Hesabın bağlanması

Hesabınızı istənilən vaxt parametrlərdə və ya {email} ünvanına yazaraq bağlaya bilərsiniz. Qalıq
balans sizə ödənilir.
"""),
    "bonus-terms": ("Bonus şərtləri", """
- Bonusu çıxarmaq üçün onu **30 gün** ərzində **30 dəfə** mərc etmək lazımdır.
- Bonus aktiv olduqda maksimal mərc hər spin və ya paylama üçün **5 €**-dur.
- Slotlar mərc tələbinə 100%, masa oyunları 10%, canlı oyunlar isə 0% hesablanır.
- Bonusdan istənilən vaxt imtina edə bilərsiniz; öz depozit etdiyiniz pul heç vaxt bloklanmır.
- Limit qoymuş və ya özünü oyundan kənarlaşdırmış oyunçulara bonus təklif olunmur.
"""),
    "game-rules": ("Oyun qaydaları", """
Hər oyunun öz qaydaları və ödəniş cədvəli var; onları oynamazdan əvvəl oyunun içindəki «i» düyməsi ilə
aça bilərsiniz. Nəticələri müstəqil laboratoriyanın yoxladığı sertifikatlı təsadüfi ədədlər generatoru
müəyyən edir.

Oyunda nasazlıq baş verərsə, bütün uduşlar və raundlar ləğv olunur, mərciniz isə geri qaytarılır.
Raundun səhv hesablandığını düşünürsünüzsə, oyunun adını və vaxtını bizə bildirin: onu provayderin
jurnalı ilə tutuşdururuq.
"""),
    "player-guides": ("Oyunçu bələdçiləri", """
## Necə başlamalı

1. Qeydiyyatdan keçin və e-poçt ünvanınızı təsdiqləyin.
2. İlk depozitdən əvvəl depozit limitlərinizi təyin edin: onları istənilən vaxt azalda bilərsiniz.
3. İlk pul çıxarışınız gecikməsin deyə şəxsiyyətinizi əvvəlcədən təsdiqləyin.

## RTP nədir

Oyunçuya qaytarma faizi (RTP) oyunun milyonlarla raund ərzində nə qədər geri qaytardığını göstərir.
96% RTP 100 €-dan 96 € geri alacağınız demək **deyil**: bir seansda hər şey ola bilər.
"""),
    "security": ("Təhlükəsizlik", """
- {brand} ilə bütün bağlantılar **TLS 1.2 və ya daha yeni** protokolla şifrələnir.
- Hesabınızı parametrlərdə **iki mərhələli doğrulama** (2FA) ilə qoruyun.
- Parollar yalnız duzlu heş şəklində saxlanılır; {brand} daxilində heç kim onları oxuya bilməz.
- Sistemlərimiz hər il müstəqil təhlükəsizlik şirkəti tərəfindən audit olunur.

**Biz heç vaxt parolunuzu, kartın tam nömrəsini və ya birdəfəlik kodu soruşmuruq** — nə e-poçtla, nə
çatda, nə telefonla, nə də sosial şəbəkələrdə. Kimsə soruşursa, bu biz deyilik: bu barədə {email}
ünvanına xəbər verin.
"""),
    "responsible-gambling": ("Məsuliyyətli oyun", """
Qumar pul qazanmaq vasitəsi deyil, əyləncə olmalıdır. Hesab parametrlərində bu alətləri tapa bilərsiniz:

- **Depozit, itki və seans limitləri** — aşağı limit dərhal, yüksək limit isə 24 saatdan sonra qüvvəyə minir.
- Nə qədər vaxtdır oynadığınızı xatırladan **bildirişlər**.
- 24 saatdan 6 həftəyədək **fasilə** və 6 ay və ya daha uzun müddətə **özünü kənarlaşdırma**.

Oyun artıq zövq vermirsə, kiminləsə danışın. Yuxarıdakı yardım xətləri pulsuz və məxfidir.
"""),
}
