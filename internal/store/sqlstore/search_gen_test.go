package sqlstore_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Generated multilingual text for the search tests and benchmarks: English,
// Spanish (with and without accents), Indonesian and Chinese, with a Zipf-like
// word distribution so some words are common and most are rare.

var (
	english = strings.Fields(`refund order payment card declined delivery late package
		account password login error invoice shipping address broken screen battery
		charger warranty return exchange subscription cancel upgrade plan discount coupon
		thanks please help urgent issue problem question tracking number email phone app
		crash update install download price charge twice missing item wrong size color`)
	spanish = strings.Fields(`reembolso pedido pago tarjeta rechazada entrega tarde paquete
		cuenta contraseña error factura envío dirección pantalla rota batería cargador
		garantía devolución cambio suscripción cancelar mejora descuento cupón gracias
		ayuda urgente problema pregunta número correo teléfono aplicación actualización
		precio cobro dos veces artículo talla canción niño años información atención`)
	indonesian = strings.Fields(`pengembalian dana pesanan pembayaran kartu ditolak pengiriman
		terlambat paket akun kata sandi masuk kesalahan tagihan alamat layar rusak baterai
		pengisi garansi tukar langganan batal diskon terima kasih tolong bantu mendesak
		masalah pertanyaan nomor pelacakan surel telepon aplikasi harga barang hilang ukuran`)
	chinese = []string{"退款", "订单", "支付", "银行卡", "被拒", "快递", "延迟", "包裹", "账户", "密码",
		"登录", "错误", "发票", "地址", "屏幕", "破损", "电池", "充电器", "保修", "退货", "换货", "订阅",
		"取消", "升级", "优惠券", "谢谢", "请帮忙", "紧急", "问题", "物流", "单号", "手机", "应用", "闪退",
		"价格", "扣款两次", "缺少", "商品", "尺码", "颜色", "你好", "客服", "搜索工单"}
	firstNames = []string{"Ana", "José", "María", "Budi", "Siti", "Wei", "Li", "John", "Émilie",
		"Ñoño", "Dewi", "Agus", "Carlos", "Lucía", "张", "王", "O'Brien", "Zoë"}
	lastNames = []string{"García", "Pérez", "Santoso", "Wijaya", "Chen", "Smith", "Müller", "López",
		"伟", "芳", "Núñez", "Hartono", "Doe"}
	languages = [][]string{english, spanish, indonesian, chinese}
)

// zipf picks an index in [0, n) favouring small ones.
func zipf(r *rand.Rand, n int) int {
	return min(int(float64(n)*r.Float64()*r.Float64()*r.Float64()), n-1)
}

// sentence returns n words of one language, with some punctuation and
// capitals the tokenizer must see through.
func sentence(r *rand.Rand, lang []string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		w := lang[zipf(r, len(lang))]
		if r.IntN(8) == 0 {
			rs := []rune(w)
			w = strings.ToUpper(string(rs[:1])) + string(rs[1:])
		}
		if b.Len() > 0 && !isCJK(w) {
			b.WriteByte(' ')
		} else if b.Len() > 0 && r.IntN(3) == 0 {
			b.WriteString("，")
		}
		b.WriteString(w)
		switch r.IntN(12) {
		case 0:
			b.WriteString(",")
		case 1:
			b.WriteString(".")
		case 2:
			b.WriteString(fmt.Sprintf(" #%d", r.IntN(5000)))
		}
	}
	return b.String()
}

func isCJK(w string) bool {
	for _, c := range w {
		return c >= 0x3000
	}
	return false
}

func language(r *rand.Rand) []string { return languages[r.IntN(len(languages))] }

// word picks a query word: usually from the vocabulary (any language),
// sometimes unaccented or upper-case, sometimes part of a Chinese word.
func word(r *rand.Rand) string {
	lang := language(r)
	w := lang[zipf(r, len(lang))]
	switch r.IntN(10) {
	case 0:
		w = strings.ToUpper(w)
	case 1:
		w = strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ñ", "n").Replace(w)
	case 2:
		if rs := []rune(w); isCJK(w) && len(rs) > 1 {
			i := r.IntN(len(rs) - 1)
			w = string(rs[i : i+1+r.IntN(len(rs)-i)])
		}
	}
	return w
}
