//! The 31 provincial-level divisions of mainland China, where ICP filings are reviewed.
//!
//! Each province's communications administration (管局) reviews the filings of its
//! websites, and some apply their own windows (Sichuan, Hunan, Hubei, Hebei...). People
//! write a province in Chinese, with or without 省/市/自治区, or in pinyin, in any case
//! and spacing (`四川`, `四川省`, `Sichuan`, `sichuan sheng`); all of them name the same
//! province here. The table is geography, not a rule, so it lives in code rather than in
//! the rules file.

use std::fmt;
use std::str::FromStr;

/// A province-level division of mainland China (provinces, municipalities and
/// autonomous regions), named by its stable pinyin id.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Province(usize);

impl fmt::Debug for Province {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Province({})", self.id())
    }
}

/// Chinese short name, pinyin id, English name. Shanxi (山西) and Shaanxi (陕西) follow
/// the official romanisations that keep them apart.
const TABLE: [(&str, &str, &str); 31] = [
    ("北京", "beijing", "Beijing"),
    ("天津", "tianjin", "Tianjin"),
    ("河北", "hebei", "Hebei"),
    ("山西", "shanxi", "Shanxi"),
    ("内蒙古", "neimenggu", "Inner Mongolia"),
    ("辽宁", "liaoning", "Liaoning"),
    ("吉林", "jilin", "Jilin"),
    ("黑龙江", "heilongjiang", "Heilongjiang"),
    ("上海", "shanghai", "Shanghai"),
    ("江苏", "jiangsu", "Jiangsu"),
    ("浙江", "zhejiang", "Zhejiang"),
    ("安徽", "anhui", "Anhui"),
    ("福建", "fujian", "Fujian"),
    ("江西", "jiangxi", "Jiangxi"),
    ("山东", "shandong", "Shandong"),
    ("河南", "henan", "Henan"),
    ("湖北", "hubei", "Hubei"),
    ("湖南", "hunan", "Hunan"),
    ("广东", "guangdong", "Guangdong"),
    ("广西", "guangxi", "Guangxi"),
    ("海南", "hainan", "Hainan"),
    ("重庆", "chongqing", "Chongqing"),
    ("四川", "sichuan", "Sichuan"),
    ("贵州", "guizhou", "Guizhou"),
    ("云南", "yunnan", "Yunnan"),
    ("西藏", "xizang", "Tibet"),
    ("陕西", "shaanxi", "Shaanxi"),
    ("甘肃", "gansu", "Gansu"),
    ("青海", "qinghai", "Qinghai"),
    ("宁夏", "ningxia", "Ningxia"),
    ("新疆", "xinjiang", "Xinjiang"),
];

/// Suffixes people add to a Chinese province name. Longest first, so 壮族自治区 goes
/// whole rather than leaving 壮族 behind.
const ZH_SUFFIXES: [&str; 6] = [
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "省",
    "市",
];

/// Latin suffixes ("Sichuan Province", "sichuan sheng", "Beijing Shi", "Guangxi Zhuang
/// Autonomous Region"). Longest first, for the same reason as [`ZH_SUFFIXES`].
const LATIN_SUFFIXES: [&str; 12] = [
    "uygurautonomousregion",
    "zhuangautonomousregion",
    "huiautonomousregion",
    "weiwuerzizhiqu",
    "zhuangzuzizhiqu",
    "huizuzizhiqu",
    "autonomousregion",
    "province",
    "municipality",
    "zizhiqu",
    "sheng",
    "shi",
];

/// Other Chinese names: the one-character abbreviations (简称) on licence plates and in
/// the 管局's own names (川 for Sichuan, 湘 for Hunan), their literary alternatives, and
/// the guide's own spelling 内蒙.
const ZH_ALIASES: [(&str, &str); 38] = [
    ("京", "beijing"),
    ("津", "tianjin"),
    ("冀", "hebei"),
    ("晋", "shanxi"),
    ("蒙", "neimenggu"),
    ("内蒙", "neimenggu"),
    ("辽", "liaoning"),
    ("吉", "jilin"),
    ("黑", "heilongjiang"),
    ("沪", "shanghai"),
    ("申", "shanghai"),
    ("苏", "jiangsu"),
    ("浙", "zhejiang"),
    ("皖", "anhui"),
    ("闽", "fujian"),
    ("赣", "jiangxi"),
    ("鲁", "shandong"),
    ("豫", "henan"),
    ("鄂", "hubei"),
    ("湘", "hunan"),
    ("粤", "guangdong"),
    ("桂", "guangxi"),
    ("琼", "hainan"),
    ("渝", "chongqing"),
    ("川", "sichuan"),
    ("蜀", "sichuan"),
    ("贵", "guizhou"),
    ("黔", "guizhou"),
    ("云", "yunnan"),
    ("滇", "yunnan"),
    ("藏", "xizang"),
    ("陕", "shaanxi"),
    ("秦", "shaanxi"),
    ("甘", "gansu"),
    ("陇", "gansu"),
    ("青", "qinghai"),
    ("宁", "ningxia"),
    ("新", "xinjiang"),
];

/// Other Latin names in use, and the guide's short 内蒙 in pinyin.
const LATIN_ALIASES: [(&str, &str); 6] = [
    ("innermongolia", "neimenggu"),
    ("tibet", "xizang"),
    ("peking", "beijing"),
    ("nei mongol", "neimenggu"),
    ("neimeng", "neimenggu"),
    ("xizangautonomousregion", "xizang"),
];

impl Province {
    /// Every province, in the order of the national administrative codes.
    pub fn all() -> impl Iterator<Item = Province> {
        (0..TABLE.len()).map(Province)
    }

    /// The Chinese short name: 四川.
    pub fn zh(self) -> &'static str {
        TABLE[self.0].0
    }

    /// The stable id, lower-case pinyin: `sichuan`. Used in JSON.
    pub fn id(self) -> &'static str {
        TABLE[self.0].1
    }

    /// The English name: Sichuan, Inner Mongolia.
    pub fn en(self) -> &'static str {
        TABLE[self.0].2
    }

    /// Reads a province named in Chinese (with or without 省/市/自治区) or in pinyin or
    /// English (any case, spaces, with or without "province"/"sheng"). `None` for
    /// anything else, including Hong Kong, Macao and Taiwan, which ICP filing does not
    /// cover.
    pub fn parse(text: &str) -> Option<Province> {
        let t = text.trim();
        let zh = ZH_SUFFIXES
            .iter()
            .find_map(|s| t.strip_suffix(s))
            .unwrap_or(t);
        if let Some(i) = TABLE.iter().position(|row| row.0 == zh) {
            return Some(Province(i));
        }
        let alias = ZH_ALIASES
            .iter()
            .find(|(name, _)| *name == zh || *name == t)
            .and_then(|(_, id)| TABLE.iter().position(|row| row.1 == *id));
        if let Some(i) = alias {
            return Some(Province(i));
        }
        let latin: String = t
            .chars()
            .filter(char::is_ascii_alphabetic)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let find = |name: &str| TABLE.iter().position(|row| row.1 == name);
        if let Some(i) = find(&latin) {
            return Some(Province(i));
        }
        let bare = LATIN_SUFFIXES
            .iter()
            .filter_map(|s| latin.strip_suffix(s))
            .find(|bare| !bare.is_empty())
            .unwrap_or(&latin);
        find(bare)
            .or_else(|| {
                LATIN_ALIASES
                    .iter()
                    .find(|(alias, _)| alias.replace(' ', "") == bare)
                    .and_then(|(_, id)| find(id))
            })
            .map(Province)
    }
}

impl fmt::Display for Province {
    /// The Chinese name, as the guide writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.zh())
    }
}

/// A name that is not a mainland province (its words are in the catalogue).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ProvinceError(pub String);

impl FromStr for Province {
    type Err = ProvinceError;

    fn from_str(text: &str) -> Result<Province, ProvinceError> {
        Province::parse(text).ok_or_else(|| ProvinceError(text.to_owned()))
    }
}

impl TryFrom<String> for Province {
    type Error = ProvinceError;

    fn try_from(text: String) -> Result<Province, ProvinceError> {
        text.parse()
    }
}

impl<'de> serde::Deserialize<'de> for Province {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Province, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for Province {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_province_reads_in_chinese_and_pinyin_with_or_without_its_suffix() {
        let cases = [
            ("四川", "sichuan"),
            ("四川省", "sichuan"),
            ("sichuan", "sichuan"),
            ("Sichuan", "sichuan"),
            (" SICHUAN ", "sichuan"),
            ("Sichuan Province", "sichuan"),
            ("sichuan sheng", "sichuan"),
            ("湖南", "hunan"),
            ("湖南省", "hunan"),
            ("Hunan", "hunan"),
            ("湖北", "hubei"),
            ("hubei", "hubei"),
            ("河北省", "hebei"),
            ("He Bei", "hebei"),
            ("北京市", "beijing"),
            ("Beijing Shi", "beijing"),
            ("内蒙古自治区", "neimenggu"),
            ("Inner Mongolia", "neimenggu"),
            ("广西壮族自治区", "guangxi"),
            ("宁夏回族自治区", "ningxia"),
            ("新疆维吾尔自治区", "xinjiang"),
            ("Tibet", "xizang"),
            ("山西", "shanxi"),
            ("陕西省", "shaanxi"),
            ("Shaanxi", "shaanxi"),
            ("Shanxi", "shanxi"),
            // The guide's own spelling, and the abbreviations of the 管局s' names.
            ("内蒙", "neimenggu"),
            ("neimeng", "neimenggu"),
            ("Nei Mongol", "neimenggu"),
            ("川", "sichuan"),
            ("湘", "hunan"),
            ("粤", "guangdong"),
            ("沪", "shanghai"),
            ("冀", "hebei"),
            ("鄂", "hubei"),
            ("西藏自治区", "xizang"),
            ("Guangxi Zhuang Autonomous Region", "guangxi"),
            ("Xinjiang Uygur Autonomous Region", "xinjiang"),
            ("ningxia huizu zizhiqu", "ningxia"),
            ("重庆市", "chongqing"),
        ];
        for (text, id) in cases {
            assert_eq!(Province::parse(text).map(Province::id), Some(id), "{text}");
        }
        for text in [
            "",
            "香港",
            "台湾",
            "Hong Kong",
            "省",
            "sheng",
            "四川成都",
            "sichuanese",
        ] {
            assert_eq!(Province::parse(text), None, "{text}");
        }
    }

    #[test]
    fn every_province_round_trips_through_its_names() {
        assert_eq!(Province::all().count(), 31);
        for p in Province::all() {
            assert_eq!(Province::parse(p.zh()), Some(p));
            assert_eq!(Province::parse(p.id()), Some(p));
            assert_eq!(Province::parse(p.en()), Some(p));
            assert_eq!(p.to_string(), p.zh());
        }
        let err = "火星".parse::<Province>().unwrap_err();
        assert!(err.to_string().contains("火星"));
    }
}
