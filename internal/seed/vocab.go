package seed

// lang is the fixed vocabulary of one language. Subjects are a product and
// an issue; messages are a greeting, one to three sentences and a closing.
type lang struct {
	Code      string
	Domain    string // e-mail domain of its contacts
	Phone     string // country prefix
	First     []string
	Last      []string
	Products  []string
	Issues    []string
	Sentences []string
	Greetings []string
	Closings  []string
	Replies   []string // agent answers
	Tags      []string
	Sep       string // between words of a subject
}

// langs are the four languages of the generated desk, in the proportions
// of the dialects' home markets: Chinese, Spanish, Indonesian, English.
var langs = []lang{
	{
		Code: "zh", Domain: "example.cn", Phone: "+86", Sep: "",
		First: []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平"},
		Last:  []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"},
		Products: []string{"订单", "退款申请", "发票", "会员账户", "快递包裹", "优惠券", "手机应用", "支付宝付款", "微信支付", "退货",
			"售后服务", "积分兑换", "银行卡", "配送地址", "产品质量"},
		Issues: []string{"无法登录", "一直没有到货", "重复扣款", "需要修改", "显示错误", "申请退款", "金额不对", "没有收到短信验证码",
			"页面打不开", "客服没有回复", "商品破损", "状态未更新"},
		Sentences: []string{"我上周下的订单到现在还没有收到。", "付款的时候被扣了两次钱，请帮我查一下。", "我的账户登录不了，一直提示密码错误。",
			"发票抬头写错了，能不能重新开一张？", "快递显示已签收，但是我没有收到包裹。", "优惠券在结算时无法使用。",
			"请尽快处理，谢谢。", "订单号已经附在下面了。", "商品收到时包装已经破损。", "我想把配送地址改成公司地址。",
			"退款已经申请三天了还没有到账。", "应用更新以后一直闪退。"},
		Greetings: []string{"您好，", "你好，", "客服你好，"},
		Closings:  []string{"谢谢！", "麻烦尽快回复。", "期待您的回复。"},
		Replies: []string{"您好，已经为您查询，订单正在配送中。", "非常抱歉给您带来不便，退款已经提交，预计三个工作日内到账。",
			"请提供一下您的订单号，我们马上为您处理。", "已为您重新开具发票，请查收邮件。", "我们已经通知仓库重新发货。"},
		Tags: []string{"退款", "物流", "发票", "投诉", "会员"},
	},
	{
		Code: "es", Domain: "example.es", Phone: "+56", Sep: " ",
		First: []string{"María", "José", "Juan", "Camila", "Valentina", "Diego", "Sofía", "Matías", "Fernanda", "Javier", "Lucía", "Carlos",
			"Isidora", "Tomás", "Catalina", "Benjamín", "Daniela", "Felipe", "Antonia", "Pedro"},
		Last: []string{"González", "Muñoz", "Rojas", "Díaz", "Pérez", "Soto", "Contreras", "Silva", "Martínez", "Sepúlveda", "Morales",
			"Rodríguez", "López", "Fuentes", "Hernández", "Torres", "Araya", "Flores", "Espinoza", "Valenzuela"},
		Products: []string{"pedido", "reembolso", "factura", "cuenta", "despacho", "tarjeta", "suscripción", "boleta", "devolución",
			"cupón de descuento", "aplicación móvil", "pago con transferencia"},
		Issues: []string{"no llega", "cobro duplicado", "no puedo ingresar", "monto incorrecto", "sin respuesta", "producto dañado",
			"cambio de dirección", "error al pagar", "cancelación", "retraso en la entrega"},
		Sentences: []string{"Hice un pedido la semana pasada y todavía no llega.", "Me cobraron dos veces el mismo pedido.",
			"No puedo ingresar a mi cuenta, dice que la contraseña es incorrecta.", "Necesito que corrijan los datos de la factura.",
			"El producto llegó dañado y quiero una devolución.", "El cupón de descuento no funciona al pagar.",
			"Por favor revisen mi caso lo antes posible.", "Adjunto el número de pedido.", "Quiero cambiar la dirección de despacho.",
			"Solicité el reembolso hace tres días y no lo he recibido.", "La aplicación se cierra sola desde la última actualización."},
		Greetings: []string{"Hola, ", "Buenas tardes, ", "Estimados, "},
		Closings:  []string{"Gracias.", "Quedo atento.", "Saludos cordiales."},
		Replies: []string{"Hola, revisamos tu pedido y ya está en camino.", "Lamentamos las molestias, tu reembolso fue procesado.",
			"¿Nos puedes indicar el número de pedido?", "Emitimos una nueva factura y la enviamos a tu correo.",
			"Coordinamos un nuevo despacho para mañana."},
		Tags: []string{"reembolso", "despacho", "factura", "reclamo", "vip"},
	},
	{
		Code: "id", Domain: "example.co.id", Phone: "+62", Sep: " ",
		First: []string{"Budi", "Siti", "Agus", "Dewi", "Rina", "Andi", "Putri", "Joko", "Sri", "Wahyu", "Ayu", "Dian", "Eko", "Fitri",
			"Hendra", "Indah", "Rudi", "Yuni", "Bayu", "Lestari"},
		Last: []string{"Santoso", "Wijaya", "Saputra", "Hidayat", "Susanto", "Pratama", "Kurniawan", "Setiawan", "Nugroho", "Lestari",
			"Gunawan", "Halim", "Purnomo", "Siregar", "Nasution", "Simanjuntak", "Hakim", "Rahman", "Utami", "Permana"},
		Products: []string{"pesanan", "pengembalian dana", "tagihan", "akun", "pengiriman", "kartu kredit", "langganan", "voucher",
			"aplikasi", "pembayaran", "penukaran poin", "alamat pengiriman"},
		Issues: []string{"belum sampai", "terpotong dua kali", "tidak bisa masuk", "jumlah salah", "tidak ada balasan", "barang rusak",
			"minta diubah", "gagal bayar", "dibatalkan", "terlambat"},
		Sentences: []string{"Pesanan saya minggu lalu belum sampai sampai sekarang.", "Saldo saya terpotong dua kali untuk satu pesanan.",
			"Saya tidak bisa masuk ke akun saya.", "Mohon perbaiki data pada tagihan saya.", "Barang yang saya terima rusak.",
			"Voucher tidak bisa dipakai saat pembayaran.", "Mohon segera diproses.", "Nomor pesanan saya lampirkan di bawah.",
			"Saya ingin mengubah alamat pengiriman.", "Pengembalian dana sudah tiga hari belum masuk.", "Aplikasi selalu keluar sendiri."},
		Greetings: []string{"Halo, ", "Selamat siang, ", "Permisi, "},
		Closings:  []string{"Terima kasih.", "Mohon bantuannya.", "Salam."},
		Replies: []string{"Halo, pesanan Anda sedang dalam perjalanan.", "Mohon maaf atas ketidaknyamanannya, dana sudah kami kembalikan.",
			"Boleh kami minta nomor pesanannya?", "Tagihan baru sudah kami kirim ke email Anda.", "Kami akan kirim ulang besok."},
		Tags: []string{"refund", "pengiriman", "tagihan", "keluhan", "prioritas"},
	},
	{
		Code: "en", Domain: "example.com", Phone: "+1", Sep: " ",
		First: []string{"James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William",
			"Susan", "Richard", "Jessica", "Joseph", "Sarah", "Thomas", "Karen", "Daniel", "Emily"},
		Last: []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
			"Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark"},
		Products: []string{"order", "refund", "invoice", "account", "delivery", "credit card", "subscription", "coupon", "mobile app",
			"payment", "return", "shipping address"},
		Issues: []string{"not arrived", "charged twice", "cannot log in", "wrong amount", "no reply", "damaged item", "needs change",
			"payment failed", "cancelled", "late delivery"},
		Sentences: []string{"I placed an order last week and it has not arrived yet.", "I was charged twice for the same order.",
			"I cannot log in to my account.", "Please correct the details on my invoice.", "The item arrived damaged and I want a refund.",
			"The coupon does not work at checkout.", "Please look into this as soon as possible.", "My order number is below.",
			"I would like to change my shipping address.", "I asked for a refund three days ago and have not received it.",
			"The app keeps crashing since the last update."},
		Greetings: []string{"Hi, ", "Hello, ", "Good morning, "},
		Closings:  []string{"Thanks.", "Regards.", "Thank you for your help."},
		Replies: []string{"Hi, we checked your order and it is on its way.", "Sorry for the trouble, your refund has been issued.",
			"Could you send us your order number?", "We sent a corrected invoice to your email.", "We will ship a replacement tomorrow."},
		Tags: []string{"refund", "shipping", "billing", "complaint", "vip"},
	},
}

// commonTags are tags of every language.
var commonTags = []string{"vip", "urgent", "followup", "bug", "feedback"}

// groupNames name the generated groups, in turn.
var groupNames = []string{"售后支持", "Soporte", "Dukungan Pelanggan", "Billing", "物流组", "Ventas", "Teknis", "Escalations",
	"VIP客服", "Reclamos", "Pengiriman", "Returns"}
