from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .tally import Base, ElectionMode

BASE_CHOICES = [(b.value, b.label) for b in Base]
FRACTION_CHOICES = [("majority", "过半数（超过二分之一）"), ("two_thirds", "三分之二以上（不少于三分之二）"),
                    ("custom", "自定义比例")]


class RuleMixin:
    base = SelectField("计算基数", choices=BASE_CHOICES, default=Base.MEMBERS.value,
                       description="政协章程惯例：以全体委员（应到）为基数")
    fraction = SelectField("比例", choices=FRACTION_CHOICES, default="majority")
    custom_num = IntegerField("自定义比例：分子", validators=[Optional(), NumberRange(1, 100)])
    custom_den = IntegerField("自定义比例：分母", validators=[Optional(), NumberRange(1, 100)])
    custom_strict = BooleanField("自定义比例为“超过”（不勾选为“不少于”）", default=True)

    def rule_fields(self) -> dict:
        if self.fraction.data == "two_thirds":
            num, den, strict = 2, 3, False
        elif self.fraction.data == "custom":
            num, den, strict = self.custom_num.data or 0, self.custom_den.data or 0, bool(self.custom_strict.data)
        else:
            num, den, strict = 1, 2, True
        return {"base": self.base.data, "fraction_num": num, "fraction_den": den, "strict": strict}


def documents_from(text: str) -> list[dict]:
    """One document a line: "标题" or "标题 | 链接"."""
    docs = []
    for line in (text or "").splitlines():
        if line.strip():
            title, _, url = line.partition("|")
            docs.append({"title": title.strip(), "url": url.strip()})
    return docs


class MotionForm(RuleMixin, FlaskForm):
    title = StringField("表决事项", validators=[DataRequired("请填写表决事项"), Length(max=200)],
                        description="如：政协第十五届济南市委员会第五次会议政治决议（草案）")
    agenda_item_id = IntegerField("关联议程项编号", validators=[Optional()])
    documents = TextAreaField("相关文件", validators=[Length(max=4000)], description="每行一个：标题 | 链接（可选）")
    secret = BooleanField("无记名表决")
    changeable = BooleanField("结束前允许修改")
    submit = SubmitField("新建表决")


class ElectionForm(RuleMixin, FlaskForm):
    title = StringField("选举事项", validators=[DataRequired("请填写选举事项"), Length(max=200)])
    candidates = TextAreaField("候选人", validators=[DataRequired("请填写候选人")],
                               description="每行一位：委员证号或姓名；保存后按姓氏笔画排序")
    seats = IntegerField("应选人数", validators=[DataRequired("请填写应选人数"), NumberRange(1, 500)])
    mode = SelectField("投票方式", choices=[(m.value, m.label) for m in ElectionMode],
                       default=ElectionMode.PER_CANDIDATE.value)
    write_ins = BooleanField("允许另选他人（仅限代替投反对票的候选人）", default=True)
    secret = BooleanField("无记名投票", default=True)
    changeable = BooleanField("结束前允许修改")
    agenda_item_id = IntegerField("关联议程项编号", validators=[Optional()])
    documents = TextAreaField("相关文件", validators=[Length(max=4000)], description="每行一个：标题 | 链接（可选）")
    submit = SubmitField("新建选举")


class OpenForm(FlaskForm):
    duration = IntegerField("倒计时（秒，可不填）", validators=[Optional(), NumberRange(5, 3600)])
    submit = SubmitField("开始投票")
